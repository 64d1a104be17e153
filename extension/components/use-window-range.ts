/**
 * Windowing for long lists that scroll with the page: the panel's document is
 * what scrolls (no nested scroll box, so the page keeps one scroll bar, Find in
 * page keeps working on what is shown and a screen magnifier follows the page),
 * and a list only renders the items on screen, plus a few around them. Items
 * keep their natural height (text wraps, nothing is cut): each rendered item
 * is measured, the others are estimated from those, and the spacers stand for
 * the items not rendered.
 */
import { h, type Component, type FunctionComponent, type RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/**
 * Marks each rendered item, so the hook can measure it: its value is the
 * item's index in the list (`data-window-item={index}`).
 */
export const WINDOW_ITEM_ATTRIBUTE = 'data-window-item';

/** Without layout (no rendering engine, e.g. tests) the list shows this many items from the top. */
export const FALLBACK_WINDOW = 30;

export interface WindowRange {
  /** First item rendered (inclusive). */
  start: number;
  /** Item after the last one rendered (exclusive). */
  end: number;
}

export interface WindowGeometry {
  /**
   * Where each item starts from the list's top edge, then where the last one
   * ends: `count + 1` ascending numbers (see itemOffsets).
   */
  offsets: ArrayLike<number>;
  /** The list's top edge relative to the viewport (getBoundingClientRect().top). */
  listTop: number;
  viewportHeight: number;
  overscan: number;
}

/**
 * The prefix sums of the items' heights: measured ones as measured, the others
 * at `estimate`. `offsets[i]` is where item i starts, `offsets[count]` the
 * whole list's height.
 */
export function itemOffsets(
  count: number,
  heights: ReadonlyMap<number, number>,
  estimate: number,
): Float64Array {
  const offsets = new Float64Array(count + 1);
  for (let index = 0; index < count; index++) {
    offsets[index + 1] = offsets[index]! + (heights.get(index) ?? estimate);
  }
  return offsets;
}

/** The items a viewport shows of a list, plus `overscan` each side. */
export function computeWindowRange({
  offsets,
  listTop,
  viewportHeight,
  overscan,
}: WindowGeometry): WindowRange {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  // Nothing has a height: no layout at all, a bounded window from the top.
  if (!(offsets[count]! > 0)) return { start: 0, end: Math.min(count, FALLBACK_WINDOW) };
  const top = -listTop;
  const bottom = viewportHeight - listTop;
  // The first item ending below the viewport's top, the first one starting below its bottom.
  const first = firstIndex(count, (index) => offsets[index + 1]! > top);
  const last = firstIndex(count, (index) => offsets[index]! >= bottom);
  let start = clamp(first - overscan, 0, count);
  let end = clamp(last + overscan, 0, count);
  // Off screen, the list still shows a few items at its nearest edge: never an empty list.
  if (end - start < overscan) {
    if (start >= count) start = Math.max(0, count - overscan);
    end = Math.min(count, start + overscan);
  }
  return { start, end };
}

/** The smallest index in [0, count] where `past` holds (it holds for every later index too). */
function firstIndex(count: number, past: (index: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (past(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** What to render: a gap (a spacer of that height) or an item, by index, in order. */
export type WindowSlot =
  { kind: 'gap'; key: string; height: number } | { kind: 'item'; index: number };

export interface WindowOptions {
  count: number;
  /** An item's height until one is measured. */
  defaultItemHeight: number;
  overscan?: number;
  /**
   * An item kept rendered wherever the page is scrolled (the one holding the
   * keyboard focus), so focus is never lost to an unmounted row.
   */
  pinnedIndex?: number | null;
  /**
   * What the list is (e.g. the search typed): when it changes, as when the
   * count does, the heights measured belonged to other items and are dropped.
   */
  resetKey?: unknown;
}

export interface WindowResult<E extends HTMLElement> extends WindowRange {
  /** Put on the list element: its position decides the range. */
  listRef: RefObject<E | null>;
  /** The height assumed for an item not measured yet (the average of those measured). */
  itemHeight: number;
  /** Items and spacers in document order (the pinned item may sit apart from the range). */
  slots: WindowSlot[];
}

interface Measures {
  /** Measured heights by item index. */
  heights: Map<number, number>;
  /** Their sum, for the average. */
  total: number;
  /** The list's width when they were measured: text wraps differently at another width. */
  width: number;
  /** A rendered item measured 0: no layout (no rendering engine). */
  noLayout: boolean;
  count: number;
  resetKey: unknown;
}

/**
 * The range of a page-scrolled list to render. Measures the rendered items
 * after each render, listens to scroll and resize (passive, at most one update
 * per frame) and forgets the heights when the list's width changes: the wide
 * layout and the ≤ 560 px card layout, or a narrower panel, wrap text apart.
 */
export function useWindowRange<E extends HTMLElement = HTMLElement>({
  count,
  defaultItemHeight,
  overscan = 6,
  pinnedIndex = null,
  resetKey,
}: WindowOptions): WindowResult<E> {
  const listRef = useRef<E>(null);
  const measures = useRef<Measures | null>(null);
  if (
    !measures.current ||
    measures.current.count !== count ||
    !Object.is(measures.current.resetKey, resetKey)
  ) {
    measures.current = {
      heights: new Map(),
      total: 0,
      width: measures.current?.width ?? -1,
      noLayout: measures.current?.noLayout ?? false,
      count,
      resetKey,
    };
  }
  // Renders again when a height changed: the spacers come from the same sums.
  const [, setMeasuredVersion] = useState(0);
  // A first guess, a screenful from the top, so the first frame rarely renders twice.
  const [range, setRange] = useState<WindowRange>(() => ({
    start: 0,
    end: Math.min(
      count,
      FALLBACK_WINDOW,
      Math.ceil((window.innerHeight || 0) / defaultItemHeight) + overscan || FALLBACK_WINDOW,
    ),
  }));
  const latest = useRef({ count, overscan, defaultItemHeight });
  latest.current = { count, overscan, defaultItemHeight };

  const update = useCallback(() => {
    const list = listRef.current;
    const state = measures.current;
    if (!list || !state) return;
    // In a tab kept hidden (display: none): nothing to measure, and what was measured still holds.
    if (list.closest('[hidden]')) return;
    const { count: total, overscan: extra, defaultItemHeight: fallbackHeight } = latest.current;
    const width = list.getBoundingClientRect().width;
    let changed = false;
    if (width !== state.width) {
      state.width = width;
      if (state.heights.size > 0) {
        state.heights.clear();
        state.total = 0;
        changed = true;
      }
    }
    const items = list.querySelectorAll<HTMLElement>(`[${WINDOW_ITEM_ATTRIBUTE}]`);
    let laidOut = items.length === 0 ? !state.noLayout : false;
    for (const item of Array.from(items)) {
      const index = Number.parseInt(item.getAttribute(WINDOW_ITEM_ATTRIBUTE) ?? '', 10);
      const height = item.getBoundingClientRect().height;
      if (height > 0) laidOut = true;
      if (!(height > 0) || !Number.isInteger(index) || index < 0 || index >= total) continue;
      const known = state.heights.get(index);
      if (known === height) continue;
      state.total += height - (known ?? 0);
      state.heights.set(index, height);
      changed = true;
    }
    if (state.noLayout === laidOut) {
      state.noLayout = !laidOut;
      changed = true;
    }
    const offsets = itemOffsets(total, state.heights, estimatedHeight(state, fallbackHeight));
    const next = computeWindowRange({
      offsets,
      listTop: list.getBoundingClientRect().top,
      viewportHeight: window.innerHeight || document.documentElement.clientHeight,
      overscan: extra,
    });
    setRange((current) =>
      current.start === next.start && current.end === next.end ? current : next,
    );
    if (changed) setMeasuredVersion((version) => version + 1);
  }, []);

  // Before paint, after every render: new rows are measured and the first frame shows the right ones.
  useLayoutEffect(update);

  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        update();
      });
    };
    window.addEventListener('scroll', schedule, { passive: true });
    window.addEventListener('resize', schedule, { passive: true });
    // Notices, dialogs or a form above the list move it without any scroll; rows grow with live changes.
    const observer =
      typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => schedule());
    observer?.observe(document.body);
    return () => {
      window.removeEventListener('scroll', schedule);
      window.removeEventListener('resize', schedule);
      observer?.disconnect();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [update]);

  const start = Math.min(range.start, count);
  const end = Math.min(range.end, count);
  const state = measures.current;
  const itemHeight = estimatedHeight(state, defaultItemHeight);
  return {
    listRef,
    start,
    end,
    itemHeight,
    slots: windowSlots(itemOffsets(count, state.heights, itemHeight), start, end, pinnedIndex),
  };
}

/** An unmeasured item's height: the average of those measured, 0 without layout. */
function estimatedHeight(state: Measures, defaultItemHeight: number): number {
  if (state.noLayout) return 0;
  return state.heights.size > 0 ? state.total / state.heights.size : defaultItemHeight;
}

/**
 * The range's items between spacers, with the pinned item in its place when
 * outside the range; each spacer as tall as the items it stands for (`offsets`,
 * see itemOffsets).
 */
export function windowSlots(
  offsets: ArrayLike<number>,
  start: number,
  end: number,
  pinnedIndex: number | null,
): WindowSlot[] {
  const count = offsets.length - 1;
  const indexes: number[] = [];
  const pinned = pinnedIndex !== null && pinnedIndex >= 0 && pinnedIndex < count;
  if (pinned && pinnedIndex < start) indexes.push(pinnedIndex);
  for (let index = start; index < end; index++) indexes.push(index);
  if (pinned && pinnedIndex >= end) indexes.push(pinnedIndex);
  const slots: WindowSlot[] = [];
  let next = 0;
  for (const index of indexes) {
    if (index > next) slots.push(gap(offsets, next, index));
    slots.push({ kind: 'item', index });
    next = index + 1;
  }
  if (count > next) slots.push(gap(offsets, next, count));
  return slots;
}

/** The spacer standing for items `from` (inclusive) to `to` (exclusive). */
function gap(offsets: ArrayLike<number>, from: number, to: number): WindowSlot {
  return { kind: 'gap', key: `gap-${from}`, height: offsets[to]! - offsets[from]! };
}

/**
 * Which item holds the keyboard focus, by key (keys survive live changes, indexes
 * do not): put `onFocusIn`/`onFocusOut` on the list and `data-window-key` on items.
 */
export function useFocusedKey() {
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const onFocusIn = useCallback((event: FocusEvent) => {
    const target = event.target instanceof Element ? event.target : null;
    const item = target?.closest<HTMLElement>('[data-window-key]');
    setFocusedKey(item?.dataset.windowKey ?? null);
  }, []);
  const onFocusOut = useCallback((event: FocusEvent) => {
    const container = event.currentTarget instanceof Element ? event.currentTarget : null;
    const next = event.relatedTarget instanceof Node ? event.relatedTarget : null;
    // Focus leaving the page (another window) keeps the item: it comes back there.
    if (next && container && !container.contains(next)) setFocusedKey(null);
  }, []);
  return { focusedKey, onFocusIn, onFocusOut };
}

/**
 * A row that renders again only when one of its props changed (shallowly): live
 * events keep the objects they do not touch (shared/panel-state.ts), so a
 * change repaints its own row, not the whole window.
 */
export function memoRow<P extends object>(Row: FunctionComponent<P>): FunctionComponent<P> {
  function Memoised(this: Component<P>, props: P) {
    this.shouldComponentUpdate = changedProps;
    return h(Row, props);
  }
  Memoised.displayName = `Memo(${Row.displayName ?? Row.name})`;
  return Memoised;
}

function changedProps(this: Component, next: object): boolean {
  const current = this.props as Record<string, unknown>;
  const incoming = next as Record<string, unknown>;
  const keys = Object.keys(current);
  if (keys.length !== Object.keys(incoming).length) return true;
  return keys.some((key) => current[key] !== incoming[key]);
}

/** The room of the rows not drawn, in a list (`li`) or a board (`div`): keeps the page's height true. */
export function WindowGap({ height, as = 'li' }: { height: number; as?: 'li' | 'div' }) {
  return h(as, { class: 'window-gap', 'aria-hidden': 'true', style: { height: `${height}px` } });
}
