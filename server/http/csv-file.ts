/** CSV files the way French spreadsheet software opens them: « ; » between cells, UTF-8 with a BOM. */
import type { Context } from 'hono';

export function csvFile(c: Context, filename: string, rows: readonly string[][]): Response {
  const lines = rows.map((cells) => cells.map(csvCell).join(';'));
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${filename}"`);
  // The BOM lets spreadsheet software read the accents as UTF-8.
  return c.body(`\uFEFF${lines.join('\r\n')}\r\n`);
}

/** A cell starting so would run as a formula in a spreadsheet: the export prefixes it with `'`. */
export const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
