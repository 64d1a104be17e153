import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addJoursFrancs,
  daysLeft,
  dossierDueDate,
  easterSunday,
  isWorkingDay,
  publicHolidays,
  todayInFrance,
} from '../../shared/jours-francs.js';

describe('easterSunday', () => {
  it('finds the Easter Sundays of the calendar', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    // The extremes of the Gregorian computus: 22 March (2285) and 25 April (2038).
    expect(easterSunday(2285)).toBe('2285-03-22');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(2000)).toBe('2000-04-23');
  });
});

describe('publicHolidays', () => {
  it('lists the eleven French public holidays of 2025', () => {
    // Easter 2025 = 20 April: Monday 21 April, Ascension 20 April + 39 = 29 May,
    // Whit Monday 20 April + 50 = 9 June.
    expect(publicHolidays(2025)).toEqual([
      '2025-01-01',
      '2025-04-21',
      '2025-05-01',
      '2025-05-08',
      '2025-05-29',
      '2025-06-09',
      '2025-07-14',
      '2025-08-15',
      '2025-11-01',
      '2025-11-11',
      '2025-12-25',
    ]);
  });

  it('places the Easter-based holidays of 2024 and 2026', () => {
    // 2024: Easter 31 March -> Monday 1 April, Ascension 9 May, Whit Monday 20 May.
    expect(publicHolidays(2024)).toEqual(
      expect.arrayContaining(['2024-04-01', '2024-05-09', '2024-05-20']),
    );
    // 2026: Easter 5 April -> Monday 6 April, Ascension 14 May, Whit Monday 25 May.
    expect(publicHolidays(2026)).toEqual(
      expect.arrayContaining(['2026-04-06', '2026-05-14', '2026-05-25']),
    );
  });
});

describe('isWorkingDay', () => {
  it('says Monday to Friday are working days unless a holiday', () => {
    expect(isWorkingDay('2026-03-02')).toBe(true); // a Monday
    expect(isWorkingDay('2026-03-06')).toBe(true); // a Friday
    expect(isWorkingDay('2026-03-07')).toBe(false); // a Saturday
    expect(isWorkingDay('2026-03-08')).toBe(false); // a Sunday
    expect(isWorkingDay('2026-04-06')).toBe(false); // Easter Monday 2026
    expect(isWorkingDay('2025-07-14')).toBe(false); // 14 July 2025, a Monday
    expect(isWorkingDay('2026-12-25')).toBe(false); // Christmas 2026, a Friday
  });
});

describe('addJoursFrancs', () => {
  it('counts neither the opening day nor the last day', () => {
    // Opened Monday 2 March 2026, 20 jours francs: 3..22 March are the 20 days,
    // 23 March (a Monday) is the first day after them.
    expect(addJoursFrancs('2026-03-02', 20)).toBe('2026-03-23');
    // 30 jours francs from the same Monday: 2 March + 31 = Thursday 2 April.
    expect(addJoursFrancs('2026-03-02', 30)).toBe('2026-04-02');
  });

  it('moves a deadline falling on a weekend to the Monday', () => {
    // Opened Saturday 7 March 2026: + 21 = Saturday 28 March -> Monday 30 March.
    expect(addJoursFrancs('2026-03-07', 20)).toBe('2026-03-30');
    // Opened Sunday 8 March 2026: + 21 = Sunday 29 March -> Monday 30 March.
    expect(addJoursFrancs('2026-03-08', 20)).toBe('2026-03-30');
  });

  it('moves past the Easter weekend and Easter Monday', () => {
    // Opened Saturday 14 March 2026: + 21 = Saturday 4 April, Sunday 5 (Easter),
    // Monday 6 April (Easter Monday) -> Tuesday 7 April.
    expect(addJoursFrancs('2026-03-14', 20)).toBe('2026-04-07');
    // Opened Monday 16 March 2026: + 21 = Easter Monday 6 April -> Tuesday 7 April.
    expect(addJoursFrancs('2026-03-16', 20)).toBe('2026-04-07');
  });

  it('moves past 1 May and 8 May falling on Fridays (2026)', () => {
    // Opened Friday 10 April 2026: + 21 = Friday 1 May, then the weekend -> Monday 4 May.
    expect(addJoursFrancs('2026-04-10', 20)).toBe('2026-05-04');
    // Opened Friday 17 April 2026: + 21 = Friday 8 May, then the weekend -> Monday 11 May.
    expect(addJoursFrancs('2026-04-17', 20)).toBe('2026-05-11');
  });

  it('moves past two holidays in a row: 8 May and Ascension 2024', () => {
    // Opened Wednesday 17 April 2024: + 21 = Wednesday 8 May (Victoire 1945),
    // Thursday 9 May is Ascension (31 March + 39) -> Friday 10 May.
    expect(addJoursFrancs('2024-04-17', 20)).toBe('2024-05-10');
    // Opened Thursday 8 May 2025: + 21 = Thursday 29 May, Ascension 2025 -> Friday 30 May.
    expect(addJoursFrancs('2025-05-08', 20)).toBe('2025-05-30');
  });

  it('moves past a weekend followed by Whit Monday (2024)', () => {
    // Opened Saturday 27 April 2024: + 21 = Saturday 18 May, Sunday 19,
    // Monday 20 May is Whit Monday (31 March + 50) -> Tuesday 21 May.
    expect(addJoursFrancs('2024-04-27', 20)).toBe('2024-05-21');
  });

  it('moves past a weekend followed by 14 July (2025)', () => {
    // Opened Saturday 21 June 2025: + 21 = Saturday 12 July, Sunday 13,
    // Monday 14 July -> Tuesday 15 July.
    expect(addJoursFrancs('2025-06-21', 20)).toBe('2025-07-15');
  });

  it('moves past Christmas and its weekend, and past New Year', () => {
    // Opened Friday 4 December 2026: + 21 = Friday 25 December, Saturday 26,
    // Sunday 27 -> Monday 28 December.
    expect(addJoursFrancs('2026-12-04', 20)).toBe('2026-12-28');
    // MP opened Monday 1 December 2025: + 31 = Thursday 1 January 2026 -> Friday 2 January.
    expect(addJoursFrancs('2025-12-01', 30)).toBe('2026-01-02');
  });

  it('moves past Armistice day (11 November 2025, a Tuesday)', () => {
    // Opened Tuesday 21 October 2025: + 21 = Tuesday 11 November -> Wednesday 12 November.
    expect(addJoursFrancs('2025-10-21', 20)).toBe('2025-11-12');
  });

  it('counts 29 February in a leap year', () => {
    // Opened Thursday 8 February 2024: + 21 = Thursday 29 February 2024.
    expect(addJoursFrancs('2024-02-08', 20)).toBe('2024-02-29');
  });

  it('is not shifted by the change to summer time', () => {
    // 29 March 2026 is the night clocks move forward in France; UTC arithmetic ignores it.
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
  });

  it('always gives the first working day on or after opening + days + 1', () => {
    const day = fc
      .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 60 }), (openedAt, days) => {
        const due = addJoursFrancs(openedAt, days);
        const earliest = addDays(openedAt, days + 1);
        expect(isWorkingDay(due)).toBe(true);
        expect(due >= earliest).toBe(true);
        for (let d = earliest; d < due; d = addDays(d, 1)) expect(isWorkingDay(d)).toBe(false);
      }),
    );
  });
});

describe('dossierDueDate', () => {
  it('gives an AT 20 jours francs and an MP 30', () => {
    expect(dossierDueDate('2026-03-02', 'AT')).toBe('2026-03-23');
    expect(dossierDueDate('2026-03-02', 'MP')).toBe('2026-04-02');
  });
});

describe('daysLeft', () => {
  it('counts the calendar days to the due date, 0 on the day, negative once past', () => {
    expect(daysLeft('2026-03-23', '2026-03-02')).toBe(21);
    expect(daysLeft('2026-03-23', '2026-03-23')).toBe(0);
    expect(daysLeft('2026-03-23', '2026-03-25')).toBe(-2);
    // Across the change to summer time (29 March 2026) a day is still a day.
    expect(daysLeft('2026-04-02', '2026-03-27')).toBe(6);
  });
});

describe('todayInFrance', () => {
  it('gives the date in Paris, not in UTC', () => {
    // 23:30 UTC on 1 March is 00:30 on 2 March in Paris (UTC+1 in winter).
    expect(todayInFrance(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-02');
    // 22:30 UTC on 1 July is 00:30 on 2 July in Paris (UTC+2 in summer).
    expect(todayInFrance(new Date('2026-07-01T22:30:00Z'))).toBe('2026-07-02');
  });
});
