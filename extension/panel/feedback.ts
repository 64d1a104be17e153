/**
 * What the user sees of a request: the busy flag (disabled button, spinner),
 * a success toast, or the server's refusal in its own words.
 */
import { signal } from '@preact/signals';
import { ERRORS } from '../../shared/errors.js';
import { ApiError } from './api-client.js';

const MAX_TOASTS = 3;

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}

export type ActionResult = { ok: true } | { ok: false; code: string; message: string };

export interface RunOptions {
  success?: string;
  /** Refusal codes the screen shows itself (e.g. in a dialog) rather than as a toast. */
  quiet?: readonly string[];
}

const TOAST_MS = { success: 5_000, info: 8_000, error: 10_000 } as const;

/**
 * `onUnauthenticated` ends the session when the server no longer knows the
 * token; it returns false when there was no session (the refusal is then shown).
 */
export function createFeedback(onUnauthenticated: (message: string) => Promise<boolean>) {
  const toasts = signal<Toast[]>([]);
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
      if (options.success) toast('success', options.success);
      return { ok: true };
    } catch (error) {
      const refusal =
        error instanceof ApiError ? error : new ApiError('INTERNAL', ERRORS.INTERNAL.message, 0);
      const handled =
        refusal.code === 'UNAUTHENTICATED' && (await onUnauthenticated(refusal.message));
      if (!handled && !options.quiet?.includes(refusal.code)) toast('error', refusal.message);
      return { ok: false, code: refusal.code, message: refusal.message };
    } finally {
      setBusy(key, false);
    }
  }

  return { toasts, isBusy, toast, dismissToast, clearErrors, run };
}

export type Feedback = ReturnType<typeof createFeedback>;
