/** French formatting of dates, deadlines and counts, for the panel, the history and its exports. */
import { daysLeft } from './jours-francs.js';

const DATE = new Intl.DateTimeFormat('fr-FR', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'UTC',
});

const DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Paris',
});

/** `2025-03-24` → `24/03/2025` (a calendar date: no time zone shift). */
export function formatDate(isoDate: string): string {
  return DATE.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

/** An instant, in Paris time: `05/03/2025 13:00`. */
export function formatDateTime(iso: string): string {
  return DATE_TIME.format(new Date(iso)).replace(',', '');
}

/** An instant, in Paris time, as a sentence says it: `06/12/2026 à 17:35`. */
export function formatDateTimeAt(iso: string): string {
  const parts = Object.fromEntries(
    DATE_TIME.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} à ${parts.hour}:${parts.minute}`;
}

/** "12 jours restants", "Dernier jour", "Délai dépassé". */
export function formatDaysLeft(dueAt: string, today: string): string {
  const days = daysLeft(dueAt, today);
  if (days < 0) return 'Délai dépassé';
  if (days === 0) return 'Dernier jour';
  if (days === 1) return '1 jour restant';
  return `${days} jours restants`;
}

/** « 0 dossier », « 1 dossier », « 2 dossiers »: in French, only two and more take the plural. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count >= 2 ? many : one}`;
}
