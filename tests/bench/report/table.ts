/** The table printed at the end of a run. */
import type { MeasureResult } from '../measure.js';
import { formatPass, formatRatio, formatValue } from './format.js';

export function printTable(
  results: readonly MeasureResult[],
  errors: readonly { id: string; error: string }[],
): void {
  const rows: string[][] = [['figure', 'value', 'baseline', 'ratio', 'goal', 'pass']];
  for (const result of results) {
    for (const figure of result.figures) {
      rows.push([
        `${result.id}: ${figure.label}`,
        formatValue(figure.value, figure.unit),
        figure.baseline ? formatValue(figure.baseline.value, figure.unit) : '',
        formatRatio(figure),
        figure.goal ?? '',
        formatPass(figure),
      ]);
    }
  }
  for (const { id, error } of errors)
    rows.push([`${id}: FAILED`, firstLine(error), '', '', '', 'NO']);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  console.log('');
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
    if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  }
}

export function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 160);
}
