/**
 * Dutch statutory interest (wettelijke rente): art. 6:119 BW for consumers,
 * art. 6:119a BW for commercial transactions.
 *
 * Conventions, chosen and fixed here:
 * - Dates are calendar days as 'YYYY-MM-DD' strings; `from` is the first day interest
 *   runs, `to` the last day (inclusive).
 * - Simple interest per day, actual/365 in every year: a day is rate/365 of a year,
 *   also in leap years (so a full year containing 29 February accrues 366/365 of the
 *   annual rate).
 * - Yearly compounding (art. 6:119 lid 2 BW): after each full year counted from
 *   `from`, that year's interest joins the principal. A year that starts on
 *   29 February ends on 28 February of the next year.
 * - Each period (a stretch with one rate and one principal) is rounded half up to the
 *   cent, and the total is the sum of the periods, so the shown lines add up.
 */

export type InterestKind = 'consumer' | 'commercial';

export type StatutoryRate = {
  /** First day this rate is in force. */
  from: string;
  /** Basis points: 600 = 6%. */
  consumer: number;
  commercial: number;
};

/**
 * Commercial = ECB main refinancing rate + 8 points, reset 1 January and 1 July, so
 * this table needs a new row every half year.
 */
export const STATUTORY_RATES: readonly StatutoryRate[] = [
  { from: '2023-07-01', consumer: 600, commercial: 1200 },
  { from: '2024-01-01', consumer: 700, commercial: 1250 },
  { from: '2024-07-01', consumer: 700, commercial: 1225 },
  { from: '2025-01-01', consumer: 600, commercial: 1115 },
  // PROVISIONAL: both rates from 2025-07-01 are still to be confirmed.
  { from: '2025-07-01', consumer: 400, commercial: 1015 },
];

export type RateTableProblem = {
  /** The offending field, e.g. "[2].from", "[0].consumer" or "table". */
  field: string;
  message: string;
};

/**
 * Checks a rate table: at least one row, valid dates in strictly ascending order, no
 * duplicates, rates that are non-negative whole basis points, and no missed half-year
 * reset between rows. With `asOf`, also reports a table whose last row is older than
 * a reset that has already happened (the commercial rate has moved on since).
 */
export function validateRateTable(
  table: readonly StatutoryRate[],
  options: { asOf?: string } = {},
): RateTableProblem[] {
  if (table.length === 0) return [problem('table', 'has no rows')];
  const problems = table.flatMap((row, index) => rowProblems(row, index));
  if (problems.length > 0) return problems;

  for (let index = 1; index < table.length; index++) {
    problems.push(...orderProblems(table[index - 1].from, table[index].from, index));
  }
  if (options.asOf !== undefined) problems.push(...stalenessProblems(table, options.asOf));
  return problems;
}

function rowProblems(row: StatutoryRate, index: number): RateTableProblem[] {
  const problems: RateTableProblem[] = [];
  if (!isCalendarDate(row.from)) {
    problems.push(problem(`[${index}].from`, `"${row.from}" is not a valid YYYY-MM-DD date`));
  }
  for (const kind of ['consumer', 'commercial'] as const) {
    const rate = row[kind];
    if (!Number.isSafeInteger(rate)) {
      problems.push(problem(`[${index}].${kind}`, `${rate} is not a whole number of basis points`));
    } else if (rate < 0) {
      problems.push(problem(`[${index}].${kind}`, `${rate} is negative`));
    }
  }
  return problems;
}

function orderProblems(previous: string, current: string, index: number): RateTableProblem[] {
  const field = `[${index}].from`;
  if (current === previous) return [problem(field, `${current} duplicates [${index - 1}].from`)];
  if (current < previous) {
    return [problem(field, `${current} comes before [${index - 1}].from ${previous}; sort ascending`)];
  }
  const missedReset = nextHalfYearReset(previous);
  if (current > missedReset) {
    return [problem(field, `${current} leaves a gap: no row for the reset on ${missedReset}`)];
  }
  return [];
}

function stalenessProblems(table: readonly StatutoryRate[], asOf: string): RateTableProblem[] {
  if (!isCalendarDate(asOf)) return [problem('asOf', `"${asOf}" is not a valid YYYY-MM-DD date`)];
  const lastFrom = table[table.length - 1].from;
  const missedReset = nextHalfYearReset(lastFrom);
  if (missedReset > asOf) return [];
  return [problem('table', `last row is from ${lastFrom}; the rate in force from ${missedReset} is missing`)];
}

function problem(field: string, message: string): RateTableProblem {
  return { field, message: `${field}: ${message}` };
}

export type InterestPeriod = {
  from: string;
  to: string;
  days: number;
  rateBp: number;
  /** The principal interest runs on in this period, including compounded interest. */
  baseCents: number;
  interestCents: number;
};

export type StatutoryInterestInput = {
  principalCents: number;
  from: string;
  to: string;
  kind: InterestKind;
  table?: readonly StatutoryRate[];
};

export type StatutoryInterestResult = { totalCents: number; periods: InterestPeriod[] };

const DAYS_PER_YEAR = 365n;
const BP_PER_UNIT = 10_000n;

/**
 * Interest on `principalCents` for each day from `from` to `to` inclusive. When `to`
 * is before `from` no day has run yet and the result is zero with no periods.
 */
export function statutoryInterest(input: StatutoryInterestInput): StatutoryInterestResult {
  const { principalCents, from, to, kind, table = STATUTORY_RATES } = input;
  assertUsableTable(table);
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) {
    throw new RangeError(`principalCents must be a non-negative integer, got ${principalCents}`);
  }
  assertCalendarDate(from, 'from');
  const lastDay = toDayNumber(to, 'to');

  const periods: InterestPeriod[] = [];
  let base = BigInt(principalCents);
  for (let year = 0; ; year++) {
    const yearStart = toDayNumber(addYears(from, year), 'from');
    if (yearStart > lastDay) break;
    const yearEnd = Math.min(toDayNumber(addYears(from, year + 1), 'from') - 1, lastDay);
    const yearPeriods = periodsWithinYear(base, yearStart, yearEnd, kind, table);
    periods.push(...yearPeriods);
    base += BigInt(sumInterest(yearPeriods));
  }
  return { totalCents: sumInterest(periods), periods };
}

function periodsWithinYear(
  base: bigint,
  firstDay: number,
  lastDay: number,
  kind: InterestKind,
  table: readonly StatutoryRate[],
): InterestPeriod[] {
  const periods: InterestPeriod[] = [];
  let start = firstDay;
  while (start <= lastDay) {
    const { rateBp, lastDayInForce } = rateInForce(table, start, kind);
    const end = Math.min(lastDay, lastDayInForce);
    const days = end - start + 1;
    periods.push({
      from: fromDayNumber(start),
      to: fromDayNumber(end),
      days,
      rateBp,
      baseCents: Number(base),
      interestCents: dailyInterestCents(base, rateBp, days),
    });
    start = end + 1;
  }
  return periods;
}

function dailyInterestCents(base: bigint, rateBp: number, days: number): number {
  const numerator = base * BigInt(rateBp) * BigInt(days);
  const denominator = BP_PER_UNIT * DAYS_PER_YEAR;
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}

function rateInForce(
  table: readonly StatutoryRate[],
  day: number,
  kind: InterestKind,
): { rateBp: number; lastDayInForce: number } {
  const date = fromDayNumber(day);
  const index = table.findLastIndex((row) => row.from <= date);
  if (index === -1) {
    throw new RangeError(`no statutory rate in force on ${date}; the table starts on ${table[0].from}`);
  }
  const next = table[index + 1];
  return {
    rateBp: table[index][kind],
    lastDayInForce: next === undefined ? Number.POSITIVE_INFINITY : toDayNumber(next.from, 'table') - 1,
  };
}

function assertUsableTable(table: readonly StatutoryRate[]): void {
  const problems = validateRateTable(table);
  if (problems.length > 0) {
    throw new Error(`invalid statutory rate table: ${problems.map((p) => p.message).join('; ')}`);
  }
}

function sumInterest(periods: readonly InterestPeriod[]): number {
  return periods.reduce((sum, period) => sum + period.interestCents, 0);
}

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^([1-9][0-9]{3})-([0-9]{2})-([0-9]{2})$/;

function isCalendarDate(date: string): boolean {
  const match = DATE_PATTERN.exec(date);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function assertCalendarDate(date: string, field: string): void {
  if (!isCalendarDate(date)) throw new RangeError(`${field}: "${date}" is not a valid YYYY-MM-DD date`);
}

/** Days since 1970-01-01. Date.UTC is plain calendar arithmetic: no time zone involved. */
function toDayNumber(date: string, field: string): number {
  assertCalendarDate(date, field);
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function fromDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The same day `years` later; 29 February becomes 1 March in a common year. */
function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = year + years;
  if (month === 2 && day === 29 && !isLeapYear(target)) return `${target}-03-01`;
  return `${target}-${pad2(month)}-${pad2(day)}`;
}

function nextHalfYearReset(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return month < 7 ? `${year}-07-01` : `${year + 1}-01-01`;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
