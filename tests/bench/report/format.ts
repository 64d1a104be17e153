/** How figures read in the table and the report. */
import { ratio, type Figure } from '../measure.js';

export function formatValue(value: number, unit: Figure['unit']): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en', { maximumFractionDigits: digits });
  return unit === 'count' ? text : unit === 'per s' ? `${text}/s` : `${text} ${unit}`;
}

export function formatRatio(figure: Figure): string {
  if (!figure.baseline) return '';
  return `${ratio(figure.value, figure.baseline.value)}×`;
}

export function formatPass(figure: Figure): string {
  if (figure.pass === undefined) return '';
  return figure.pass ? 'yes' : 'NO';
}
