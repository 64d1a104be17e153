/**
 * Deadlines in jours francs (code de procédure civile, art. 641 and 642, as
 * applied by the décret 2019-356 to the AT/MP questionnaires): neither the day
 * the period opens nor the day it would end counts, and a deadline falling on a
 * Saturday, a Sunday or a public holiday moves to the next working day.
 *
 * Dates are ISO strings (`YYYY-MM-DD`) computed in UTC, so that no local time
 * zone or daylight saving change can shift a day. No Node or DOM API: the
 * server and the side panel use this file alike.
 */
import type { DossierKind } from './domain.js';

const DAY_MS = 86_400_000;

/** Days of the questionnaire (docs/domain.md): 20 jours francs for an AT, 30 for an MP. */
export const QUESTIONNAIRE_DAYS: Record<DossierKind, number> = { AT: 20, MP: 30 };

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return toIsoDate(Date.UTC(year, month - 1, day));
}

/** The eleven French public holidays (jours fériés, code du travail L3133-1) of a year, sorted. */
export function publicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number) => toIsoDate(Date.UTC(year, month - 1, day));
  return [
    fixed(1, 1), // Jour de l'an
    addDays(easter, 1), // Lundi de Pâques
    fixed(5, 1), // Fête du travail
    fixed(5, 8), // Victoire 1945
    addDays(easter, 39), // Ascension
    addDays(easter, 50), // Lundi de Pentecôte
    fixed(7, 14), // Fête nationale
    fixed(8, 15), // Assomption
    fixed(11, 1), // Toussaint
    fixed(11, 11), // Armistice 1918
    fixed(12, 25), // Noël
  ].sort();
}

const holidaysByYear = new Map<number, Set<string>>();

export function isPublicHoliday(date: string): boolean {
  const year = Number(date.slice(0, 4));
  let holidays = holidaysByYear.get(year);
  if (!holidays) {
    holidays = new Set(publicHolidays(year));
    holidaysByYear.set(year, holidays);
  }
  return holidays.has(date);
}

/** Monday to Friday and not a public holiday. */
export function isWorkingDay(date: string): boolean {
  const weekday = new Date(toUtcMs(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isPublicHoliday(date);
}

/**
 * The last day to act for a period of `days` jours francs opened on
 * `openedAt`: the opening day does not count and the last day counts neither,
 * so the deadline is `openedAt + days + 1`, moved to the next working day.
 */
export function addJoursFrancs(openedAt: string, days: number): string {
  let due = addDays(openedAt, days + 1);
  while (!isWorkingDay(due)) due = addDays(due, 1);
  return due;
}

/** Due date of a dossier's questionnaire. */
export function dossierDueDate(openedAt: string, kind: DossierKind): string {
  return addJoursFrancs(openedAt, QUESTIONNAIRE_DAYS[kind]);
}

/** Calendar days from `today` to `dueAt` (0 on the due day, negative once past). */
export function daysLeft(dueAt: string, today: string): number {
  return Math.round((toUtcMs(dueAt) - toUtcMs(today)) / DAY_MS);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  return toIsoDate(toUtcMs(date) + days * DAY_MS);
}

const PARIS_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The date in metropolitan France at `now` (dossiers open on French calendar days). */
export function todayInFrance(now: Date = new Date()): string {
  return PARIS_DATE.format(now);
}

/**
 * The instant a French calendar day starts: midnight in Paris, 22:00 or 23:00
 * UTC the day before depending on summer time.
 */
export function startOfDayInFrance(date: string): Date {
  const utcMidnight = toUtcMs(date);
  // Midnight UTC is 01:00 or 02:00 in Paris that day: step back by that offset.
  const parisHour = Number(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(utcMidnight)),
  );
  return new Date(utcMidnight - parisHour * 60 * 60 * 1000);
}

function toUtcMs(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO date: ${date}`);
  return ms;
}

function toIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
