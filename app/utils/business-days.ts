/**
 * Dutch business days ("werkdagen") on Europe/Amsterdam calendar dates ('yyyy-mm-dd'), for terms
 * we give a debtor or a collection agency: the days a transfer notice pauses dunning, hand-over
 * dates.
 *
 * Not a business day: Saturday, Sunday, and the "algemeen erkende feestdagen" of the Algemene
 * termijnenwet (Wet van 25 juli 1964, Stb. 1964, 314), art. 3:
 *   lid 1: Nieuwjaarsdag, Christelijke tweede Paas- en Pinksterdag, beide Kerstdagen,
 *          Hemelvaartsdag, de dag waarop de verjaardag van de Koning wordt gevierd, de vijfde mei;
 *   lid 2: Goede Vrijdag is for this law the same as those days.
 * (Text of art. 1 and 3 as published on wetten.overheid.nl, checked against
 * https://nl.wikipedia.org/wiki/Algemene_termijnenwet.) The days that a royal decree under
 * art. 3 lid 3 adds once every three years (e.g. the Friday after Hemelvaartsdag) are not
 * included: they are named per decree, not by a rule.
 *
 * Koningsdag is 27 April, or 26 April when the 27th is a Sunday (the 2013 decree fixing the
 * day the King's birthday is celebrated); until 2013 Koninginnedag was 30 April, or the 29th when
 * that was a Sunday. Easter by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parse(date: string): Date {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`Not a calendar date (yyyy-mm-dd): ${date}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) throw new RangeError(`Not a calendar date (yyyy-mm-dd): ${date}`);
  return d;
}

function format(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function ymd(year: number, month: number, day: number): string {
  return format(new Date(Date.UTC(year, month - 1, day)));
}

function shift(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm). */
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
  return ymd(year, month, day);
}

export type DutchHoliday = { date: string; name: string };

function kingsDay(year: number): string {
  if (year >= 2014) {
    const d = ymd(year, 4, 27);
    return parse(d).getUTCDay() === 0 ? ymd(year, 4, 26) : d;
  }
  const d = ymd(year, 4, 30);
  return parse(d).getUTCDay() === 0 ? ymd(year, 4, 29) : d;
}

const holidayCache = new Map<number, DutchHoliday[]>();

/** The public holidays of the Algemene termijnenwet in a year, in date order. */
export function dutchPublicHolidays(year: number): DutchHoliday[] {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) throw new RangeError(`Not a supported year: ${year}`);
  const cached = holidayCache.get(year);
  if (cached) return cached.map((h) => ({ ...h }));
  const easter = easterSunday(year);
  const list: DutchHoliday[] = [
    { date: ymd(year, 1, 1), name: 'Nieuwjaarsdag' },
    { date: shift(easter, -2), name: 'Goede Vrijdag' },
    { date: shift(easter, 1), name: 'Tweede Paasdag' },
    { date: kingsDay(year), name: year >= 2014 ? 'Koningsdag' : 'Koninginnedag' },
    { date: ymd(year, 5, 5), name: 'Bevrijdingsdag' },
    { date: shift(easter, 39), name: 'Hemelvaartsdag' },
    { date: shift(easter, 50), name: 'Tweede Pinksterdag' },
    { date: ymd(year, 12, 25), name: 'Eerste Kerstdag' },
    { date: ymd(year, 12, 26), name: 'Tweede Kerstdag' },
  ].sort((x, y) => x.date.localeCompare(y.date));
  holidayCache.set(year, list);
  return list.map((h) => ({ ...h }));
}

function isHoliday(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return dutchPublicHolidays(year).some((h) => h.date === date);
}

/** Not a Saturday, Sunday or public holiday of the Algemene termijnenwet. */
export function isDutchBusinessDay(date: string): boolean {
  const weekday = parse(date).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !isHoliday(date);
}

/** The date itself when it is a business day, else the first business day after it. */
export function nextDutchBusinessDay(date: string): string {
  let d = date;
  parse(d);
  while (!isDutchBusinessDay(d)) d = shift(d, 1);
  return d;
}

/**
 * The n-th business day after `date` (the date itself is not counted; n = 0 returns it unchanged;
 * a negative n counts back).
 */
export function addDutchBusinessDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`Not a whole number of business days: ${n}`);
  let d = date;
  parse(d);
  const step = n < 0 ? -1 : 1;
  let left = Math.abs(n);
  while (left > 0) {
    d = shift(d, step);
    if (isDutchBusinessDay(d)) left -= 1;
  }
  return d;
}
