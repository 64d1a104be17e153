/**
 * How many times something happened in the last second, kept in ten slices
 * of 100 ms so that a burst of thousands costs no more memory than a quiet
 * minute.
 */
const SLICE_MS = 100;
const SLICES = 10;
/** What `lastSecond` covers. */
export const RATE_WINDOW_MS = SLICE_MS * SLICES;

export interface RateMeter {
  add(): void;
  /** How many `add`s fell in the last second (to within a slice). */
  lastSecond(): number;
}

export function createRateMeter(now: () => number = () => performance.now()): RateMeter {
  const slices = new Array<number>(SLICES).fill(0);
  let current = Math.floor(now() / SLICE_MS);

  // Empties the slices that time has passed since the last call.
  function advance(): void {
    const slice = Math.floor(now() / SLICE_MS);
    for (let step = 1; step <= Math.min(slice - current, SLICES); step++)
      slices[(current + step) % SLICES] = 0;
    current = Math.max(current, slice);
  }

  return {
    add() {
      advance();
      slices[current % SLICES]! += 1;
    },
    lastSecond() {
      advance();
      return slices.reduce((sum, n) => sum + n, 0);
    },
  };
}
