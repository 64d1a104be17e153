import type { RefObject } from 'preact';
import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** Fixed sizes (px): the window is arithmetic, never a measure of the cells. */
export interface MatrixGeometry {
  rowHeight: number;
  colWidth: number;
  /** The sticky header row (vertical e-mails). */
  headerHeight: number;
  /** The sticky header column (SIRETs). */
  rowHeaderWidth: number;
}

export interface MatrixWindow {
  firstRow: number;
  /** Exclusive. */
  endRow: number;
  firstCol: number;
  endCol: number;
}

/** Without a layout (a test's document), the viewport is taken to be this size. */
export const FALLBACK_VIEWPORT = { width: 400, height: 520 };
/* Few: a fling brings a new window every frame, and each row or column more is patched in each. */
const OVERSCAN_ROWS = 2;
const OVERSCAN_COLS = 1;

interface Viewport {
  top: number;
  left: number;
  width: number;
  height: number;
}

function windowOf(
  view: Viewport,
  rows: number,
  cols: number,
  geometry: MatrixGeometry,
): MatrixWindow {
  const dataHeight = Math.max(geometry.rowHeight, view.height - geometry.headerHeight);
  const dataWidth = Math.max(geometry.colWidth, view.width - geometry.rowHeaderWidth);
  const firstRow = Math.floor(view.top / geometry.rowHeight) - OVERSCAN_ROWS;
  const endRow = Math.ceil((view.top + dataHeight) / geometry.rowHeight) + OVERSCAN_ROWS;
  const firstCol = Math.floor(view.left / geometry.colWidth) - OVERSCAN_COLS;
  const endCol = Math.ceil((view.left + dataWidth) / geometry.colWidth) + OVERSCAN_COLS;
  return {
    firstRow: Math.max(0, Math.min(firstRow, rows)),
    endRow: Math.max(0, Math.min(endRow, rows)),
    firstCol: Math.max(0, Math.min(firstCol, cols)),
    endCol: Math.max(0, Math.min(endCol, cols)),
  };
}

function sameWindow(a: MatrixWindow, b: MatrixWindow): boolean {
  return (
    a.firstRow === b.firstRow &&
    a.endRow === b.endRow &&
    a.firstCol === b.firstCol &&
    a.endCol === b.endCol
  );
}

function measure(element: HTMLElement | null): Viewport {
  return {
    top: element?.scrollTop ?? 0,
    left: element?.scrollLeft ?? 0,
    width: element?.clientWidth || FALLBACK_VIEWPORT.width,
    height: element?.clientHeight || FALLBACK_VIEWPORT.height,
  };
}

/**
 * 2-D windowing of a scroll container: the rows and columns on screen (and a
 * few around). A scroll frame re-renders only when the window moves by a
 * whole row or column; `reveal` scrolls a cell (-1: a header) into view.
 */
export function useMatrixWindow(
  scrollRef: RefObject<HTMLDivElement | null>,
  rows: number,
  cols: number,
  geometry: MatrixGeometry,
) {
  const viewport = useRef<Viewport>(measure(null));
  // Only a trigger: the window itself is worked out from `viewport` at each render.
  const [, setCurrent] = useState<MatrixWindow>(() =>
    windowOf(viewport.current, rows, cols, geometry),
  );
  const frame = useRef<number | null>(null);

  /** `scrolled`: only the scroll offsets moved, the sizes are those measured last. */
  const refresh = useCallback(
    (scrolled = false) => {
      const element = scrollRef.current;
      viewport.current =
        scrolled && element
          ? { ...viewport.current, top: element.scrollTop, left: element.scrollLeft }
          : measure(element);
      const next = windowOf(viewport.current, rows, cols, geometry);
      setCurrent((previous) => (sameWindow(previous, next) ? previous : next));
    },
    [scrollRef, rows, cols, geometry],
  );

  useLayoutEffect(() => {
    refresh();
    const element = scrollRef.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    // Hidden with its tab (no box): the window stays as it was until the tab is shown again.
    const observer = new ResizeObserver(() => {
      if (!element.closest('[hidden]')) refresh();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [refresh, scrollRef]);

  useLayoutEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  /** At most once a frame, whatever the number of scroll events. */
  const onScroll = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      refresh(true);
    });
  }, [refresh]);

  const reveal = useCallback(
    (row: number, col: number) => {
      const element = scrollRef.current;
      if (!element) return;
      const view = measure(element);
      const dataHeight = Math.max(geometry.rowHeight, view.height - geometry.headerHeight);
      const dataWidth = Math.max(geometry.colWidth, view.width - geometry.rowHeaderWidth);
      if (row >= 0) {
        const top = row * geometry.rowHeight;
        if (top < view.top) element.scrollTop = top;
        else if (top + geometry.rowHeight > view.top + dataHeight)
          element.scrollTop = top + geometry.rowHeight - dataHeight;
      }
      if (col >= 0) {
        const left = col * geometry.colWidth;
        if (left < view.left) element.scrollLeft = left;
        else if (left + geometry.colWidth > view.left + dataWidth)
          element.scrollLeft = left + geometry.colWidth - dataWidth;
      }
      // The cell must exist before it takes the focus: no waiting for the scroll event.
      refresh();
    },
    [scrollRef, geometry, refresh],
  );

  // The counts change with the filters: the window follows at once.
  return { window: windowOf(viewport.current, rows, cols, geometry), onScroll, reveal };
}
