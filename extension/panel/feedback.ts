/**
 * What the user sees of a request: the busy flag (disabled button, spinner),
 * a success toast, or the server's refusal in its own words — at the form's
 * fields when the screen shows it there, else as a toast — and an outage (no
 * answer, or the server failing) said once, at the top of the panel.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import { ERRORS, type ErrorDetails } from '../../shared/errors.js';
import { ApiError } from './api-client.js';

const MAX_TOASTS = 3;

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}

/** `outage`: the server did not answer or failed; the top of the panel says so, not the form. */
export type ActionResult =
  | { ok: true }
  | { ok: false; code: string; message: string; outage: boolean; details?: ErrorDetails };

export interface RunOptions {
  success?: string;
  /**
   * Refusals the screen shows itself rather than as a toast: a form shows them
   * all at its fields (`'all'`), a dialog the codes it names.
   */
  quiet?: readonly string[] | 'all';
}

/** An outage, not a refusal: nothing the user typed is wrong. */
export function isOutage(error: ApiError): boolean {
  return error.code === 'NETWORK' || error.status >= 500;
}

const TOAST_MS = { success: 5_000, info: 8_000, error: 10_000 } as const;

/**
 * `onUnauthenticated` ends the session when the server no longer knows the
 * token; it returns false when there was no session (the refusal is then shown).
 */
export function createFeedback(onUnauthenticated: (message: string) => Promise<boolean>) {
  const toasts = signal<Toast[]>([]);
  /** The last outage's words, until a request goes through again or the user closes it. */
  const outage = signal<string | null>(null);
  const busy = signal<ReadonlySet<string>>(new Set());
  let nextId = 1;

  function isBusy(key: string): boolean {
    return busy.value.has(key);
  }

  function setBusy(key: string, on: boolean): void {
    const next = new Set(busy.peek());
    if (on) next.add(key);
    else next.delete(key);
    busy.value = next;
  }

  const timers = new Map<number, ReturnType<typeof setTimeout>>();

  /**
   * Shows a toast; the same words already shown are not stacked twice: that
   * toast comes last again and its time starts over. A success clears the
   * error toasts, which no longer say how things stand.
   */
  function toast(kind: Toast['kind'], text: string): void {
    const same = toasts.peek().find((item) => item.kind === kind && item.text === text);
    const id = same?.id ?? nextId++;
    const others = toasts
      .peek()
      .filter((item) => item.id !== id && !(kind === 'success' && item.kind === 'error'));
    // A few at a time: a burst of actions must not cover the narrow panel.
    toasts.value = [...others, { id, kind, text }].slice(-MAX_TOASTS);
    clearTimeout(timers.get(id));
    timers.set(
      id,
      setTimeout(() => dismissToast(id), TOAST_MS[kind]),
    );
  }

  /** The error toasts go once the screen they were about is gone. */
  function clearErrors(): void {
    for (const item of toasts.peek()) if (item.kind === 'error') dismissToast(item.id);
  }

  function dismissToast(id: number): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    toasts.value = toasts.peek().filter((item) => item.id !== id);
  }

  /** Runs one request under `key`; never throws. */
  async function run(
    key: string,
    task: () => Promise<unknown>,
    options: RunOptions = {},
  ): Promise<ActionResult> {
    setBusy(key, true);
    try {
      await task();
      outage.value = null;
      if (options.success) toast('success', options.success);
      return { ok: true };
    } catch (error) {
      const refusal =
        error instanceof ApiError ? error : new ApiError('INTERNAL', ERRORS.INTERNAL.message, 500);
      if (isOutage(refusal)) {
        outage.value = refusal.message;
        return { ok: false, code: refusal.code, message: refusal.message, outage: true };
      }
      outage.value = null;
      const handled =
        refusal.code === 'UNAUTHENTICATED' && (await onUnauthenticated(refusal.message));
      const shownByScreen = options.quiet === 'all' || options.quiet?.includes(refusal.code);
      if (!handled && !shownByScreen) toast('error', refusal.message);
      return {
        ok: false,
        code: refusal.code,
        message: refusal.message,
        outage: false,
        details: refusal.details,
      };
    } finally {
      setBusy(key, false);
    }
  }

  return {
    toasts,
    outage: outage as ReadonlySignal<string | null>,
    clearOutage: () => (outage.value = null),
    isBusy,
    toast,
    dismissToast,
    clearErrors,
    run,
  };
}

export type Feedback = ReturnType<typeof createFeedback>;
