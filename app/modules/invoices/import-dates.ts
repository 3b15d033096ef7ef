import { isDateWithinLimits } from '~/utils/limits';

/**
 * Dates as people put them in spreadsheets: ISO (2026-03-31) or Dutch day-first
 * (31-03-2026). Anything else (slashes, two-digit years, month-first) is refused rather
 * than guessed, and so are days that do not exist (2026-02-30).
 */
export type DateParse = { ok: true; date: string } | { ok: false; reason: 'format' | 'impossible' | 'range' };

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_FIRST = /^(\d{2})-(\d{2})-(\d{4})$/;

export function parseImportDate(input: string): DateParse {
  const text = input.trim();
  const iso = ISO.exec(text);
  const dayFirst = iso ? null : DAY_FIRST.exec(text);
  if (!iso && !dayFirst) return { ok: false, reason: 'format' };
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : [Number(dayFirst![3]), Number(dayFirst![2]), Number(dayFirst![1])];
  return isoDate(year, month, day);
}

/** A real calendar date within MIN_DATE … MAX_DATE (utils/limits.ts), as YYYY-MM-DD. */
export function isoDate(year: number, month: number, day: number): DateParse {
  if (month < 1 || month > 12 || day < 1 || day > 31) return { ok: false, reason: 'impossible' };
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (!isDateWithinLimits(text)) return { ok: false, reason: 'range' };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return { ok: false, reason: 'impossible' };
  return { ok: true, date: text };
}
