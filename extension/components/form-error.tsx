/**
 * A refusal that belongs to no single field (wrong password, too many tries),
 * said inside its form above the button, and announced.
 */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  );
}
