/** All business time flows through a Clock so tests and `--now` runs can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(
  at: Date | string,
): Clock & { set(at: Date | string): void; advanceDays(days: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set(next) {
      current = new Date(next);
    },
    advanceDays(days) {
      current = new Date(current.getTime() + days * 86_400_000);
    },
  };
}

export const LEGAL_TIME_ZONE = 'Europe/Amsterdam';

/** The calendar day (YYYY-MM-DD) of an instant in Europe/Amsterdam. */
const dayFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: LEGAL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const hourFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: LEGAL_TIME_ZONE,
  hour: '2-digit',
  hourCycle: 'h23',
});

export function amsterdamDate(at: Date): string {
  return dayFormatter.format(at);
}

/** Whole days from calendar day a to calendar day b (YYYY-MM-DD), b - a. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The instant that begins calendar day `day` in Europe/Amsterdam, at the given local hour. */
export function amsterdamInstant(day: string, hour = 9): Date {
  const guess = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
  const local = hourFormatter.format(guess);
  const offsetHours = Number(local) - hour;
  return new Date(guess.getTime() - offsetHours * 3_600_000);
}
