import { useId } from 'preact/hooks';

export const PAGE_SIZES = [5, 10, 25, 50] as const;

export interface TablePaginationProps {
  label: string;
  page: number;
  pageCount: number;
  pageSize: number;
  onPage: (page: number) => void;
  onPageSize: (size: number) => void;
}

/** "Lignes par page: 10 ▼  1-7 de 7  ‹ ›" as on the portal. */
export function TablePagination({
  label,
  page,
  pageCount,
  pageSize,
  onPage,
  onPageSize,
}: TablePaginationProps) {
  const id = useId();
  return (
    <div class="pagination">
      <label for={id}>Lignes par page</label>
      <select
        id={id}
        value={String(pageSize)}
        onChange={(event) => onPageSize(Number(event.currentTarget.value))}
      >
        {PAGE_SIZES.map((size) => (
          <option key={size} value={String(size)}>
            {size}
          </option>
        ))}
      </select>
      <span class="pagination-nav">
        <span class="pagination-label" aria-live="polite">
          {label}
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label="Page précédente"
          disabled={page <= 1}
          onClick={() => onPage(page - 1)}
        >
          ‹
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label="Page suivante"
          disabled={page >= pageCount}
          onClick={() => onPage(page + 1)}
        >
          ›
        </button>
      </span>
    </div>
  );
}
