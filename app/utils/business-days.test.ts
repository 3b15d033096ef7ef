import { describe, expect, it } from 'vitest';
import {
  addDutchBusinessDays,
  dutchPublicHolidays,
  easterSunday,
  isDutchBusinessDay,
  nextDutchBusinessDay,
} from './business-days';

// Easter Sundays of those years (known dates).
const EASTER: Record<number, string> = {
  2024: '2024-03-31',
  2025: '2025-04-20',
  2026: '2026-04-05',
  2027: '2027-03-28',
  2028: '2028-04-16',
  2038: '2038-04-25',
};

const HOLIDAYS: Record<number, [string, string][]> = {
  2025: [
    ['2025-01-01', 'Nieuwjaarsdag'],
    ['2025-04-18', 'Goede Vrijdag'],
    ['2025-04-21', 'Tweede Paasdag'],
    ['2025-04-26', 'Koningsdag'], // the 27th is a Sunday
    ['2025-05-05', 'Bevrijdingsdag'],
    ['2025-05-29', 'Hemelvaartsdag'],
    ['2025-06-09', 'Tweede Pinksterdag'],
    ['2025-12-25', 'Eerste Kerstdag'],
    ['2025-12-26', 'Tweede Kerstdag'],
  ],
  2026: [
    ['2026-01-01', 'Nieuwjaarsdag'],
    ['2026-04-03', 'Goede Vrijdag'],
    ['2026-04-06', 'Tweede Paasdag'],
    ['2026-04-27', 'Koningsdag'],
    ['2026-05-05', 'Bevrijdingsdag'],
    ['2026-05-14', 'Hemelvaartsdag'],
    ['2026-05-25', 'Tweede Pinksterdag'],
    ['2026-12-25', 'Eerste Kerstdag'],
    ['2026-12-26', 'Tweede Kerstdag'],
  ],
  2027: [
    ['2027-01-01', 'Nieuwjaarsdag'],
    ['2027-03-26', 'Goede Vrijdag'],
    ['2027-03-29', 'Tweede Paasdag'],
    ['2027-04-27', 'Koningsdag'],
    ['2027-05-05', 'Bevrijdingsdag'],
    ['2027-05-06', 'Hemelvaartsdag'],
    ['2027-05-17', 'Tweede Pinksterdag'],
    ['2027-12-25', 'Eerste Kerstdag'],
    ['2027-12-26', 'Tweede Kerstdag'],
  ],
  2028: [
    ['2028-01-01', 'Nieuwjaarsdag'],
    ['2028-04-14', 'Goede Vrijdag'],
    ['2028-04-17', 'Tweede Paasdag'],
    ['2028-04-27', 'Koningsdag'],
    ['2028-05-05', 'Bevrijdingsdag'],
    ['2028-05-25', 'Hemelvaartsdag'],
    ['2028-06-05', 'Tweede Pinksterdag'],
    ['2028-12-25', 'Eerste Kerstdag'],
    ['2028-12-26', 'Tweede Kerstdag'],
  ],
};

describe('easterSunday', () => {
  it.each(Object.entries(EASTER))('%s: %s', (year, date) => {
    expect(easterSunday(Number(year))).toBe(date);
  });
});

describe('dutchPublicHolidays', () => {
  it.each(Object.keys(HOLIDAYS).map(Number))('%i matches the Algemene termijnenwet', (year) => {
    expect(dutchPublicHolidays(year).map((h) => [h.date, h.name])).toEqual(HOLIDAYS[year]);
  });

  it('moves Koningsdag to 26 April when the 27th is a Sunday (2031) and not otherwise', () => {
    expect(dutchPublicHolidays(2031).find((h) => h.name === 'Koningsdag')?.date).toBe('2031-04-26');
    expect(dutchPublicHolidays(2030).find((h) => h.name === 'Koningsdag')?.date).toBe('2030-04-27');
  });

  it('uses Koninginnedag before 2014', () => {
    expect(dutchPublicHolidays(2013).find((h) => h.name === 'Koninginnedag')?.date).toBe('2013-04-30');
  });

  it('returns a copy the caller cannot spoil', () => {
    const list = dutchPublicHolidays(2026);
    list[0]!.date = '2026-01-02';
    list.pop();
    expect(dutchPublicHolidays(2026)).toHaveLength(9);
    expect(dutchPublicHolidays(2026)[0]!.date).toBe('2026-01-01');
  });

  it('refuses years it cannot compute', () => {
    expect(() => dutchPublicHolidays(1200)).toThrow(RangeError);
    expect(() => dutchPublicHolidays(2026.5)).toThrow(RangeError);
  });
});

describe('isDutchBusinessDay', () => {
  it.each([
    ['2026-03-02', true, 'a Monday'],
    ['2026-03-06', true, 'a Friday'],
    ['2026-03-07', false, 'a Saturday'],
    ['2026-03-08', false, 'a Sunday'],
    ['2026-04-03', false, 'Goede Vrijdag'],
    ['2026-04-06', false, 'Tweede Paasdag'],
    ['2026-04-27', false, 'Koningsdag'],
    ['2026-04-28', true, 'the day after Koningsdag'],
    ['2025-04-26', false, 'Koningsdag on a Saturday'],
    ['2025-04-28', true, 'Monday 28 April 2025 (Koningsdag was the 26th)'],
    ['2027-05-05', false, 'Bevrijdingsdag on a Wednesday'],
    ['2027-05-06', false, 'Hemelvaartsdag'],
    ['2027-05-07', true, 'the Friday after Hemelvaartsdag (only a decree-equated day)'],
    ['2028-06-05', false, 'Tweede Pinksterdag'],
    ['2026-12-24', true, 'Christmas Eve'],
    ['2026-12-25', false, 'Eerste Kerstdag'],
    ['2026-12-28', true, 'the Monday after Christmas'],
    ['2027-01-01', false, 'Nieuwjaarsdag'],
  ])('%s is %s (%s)', (date, expected) => {
    expect(isDutchBusinessDay(date)).toBe(expected);
  });

  it.each(['2026-02-30', '2026-1-5', '26-01-05', '', '2026-01-05T00:00', '2026-13-01'])('refuses %j', (date) => {
    expect(() => isDutchBusinessDay(date)).toThrow(RangeError);
  });
});

describe('nextDutchBusinessDay', () => {
  it.each([
    ['2026-03-04', '2026-03-04'], // a Wednesday is itself
    ['2026-03-07', '2026-03-09'], // Saturday -> Monday
    ['2026-04-03', '2026-04-07'], // Goede Vrijdag, weekend, Tweede Paasdag -> Tuesday
    ['2026-12-25', '2026-12-28'],
    ['2027-12-25', '2027-12-27'], // Christmas on a weekend: Monday 27th is a business day
    ['2027-12-31', '2027-12-31'],
    ['2028-01-01', '2028-01-03'],
  ])('%s -> %s', (date, expected) => {
    expect(nextDutchBusinessDay(date)).toBe(expected);
  });
});

describe('addDutchBusinessDays', () => {
  it.each([
    ['2026-03-04', 0, '2026-03-04'],
    ['2026-03-02', 5, '2026-03-09'], // Monday + 5 = next Monday
    ['2026-03-06', 1, '2026-03-09'], // Friday + 1 over the weekend
    ['2026-03-07', 1, '2026-03-09'], // from a Saturday
    ['2026-03-07', 5, '2026-03-13'],
    ['2026-12-23', 5, '2026-12-31'], // over Christmas: 24, 28, 29, 30, 31 December
    ['2026-12-23', 6, '2027-01-04'], // and over Nieuwjaarsdag (a Friday in 2027)
    ['2026-04-24', 1, '2026-04-28'], // Friday, weekend, Koningsdag Monday
    ['2026-04-24', 5, '2026-05-04'],
    ['2026-05-01', 3, '2026-05-07'], // Friday, weekend, Bevrijdingsdag Tuesday
    ['2026-05-13', 1, '2026-05-15'], // over Hemelvaartsdag
    ['2026-04-02', 1, '2026-04-07'], // Thursday before Easter: Good Friday, weekend, Easter Monday
    ['2026-12-31', 1, '2027-01-04'], // Nieuwjaarsdag is a Friday in 2027
    ['2026-03-09', -1, '2026-03-06'],
    ['2026-04-07', -1, '2026-04-02'],
    ['2025-12-31', 15, '2026-01-22'],
  ])('%s + %i -> %s', (date, n, expected) => {
    expect(addDutchBusinessDays(date, n)).toBe(expected);
  });

  it('never lands on a day that is not a business day for n > 0', () => {
    let day = '2025-01-01';
    for (let i = 0; i < 4 * 366; i += 1) {
      for (const n of [1, 5, 15]) expect(isDutchBusinessDay(addDutchBusinessDays(day, n))).toBe(true);
      day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    }
  });

  it('refuses fractional counts and bad dates', () => {
    expect(() => addDutchBusinessDays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => addDutchBusinessDays('2026-02-29', 1)).toThrow(RangeError);
  });
});
