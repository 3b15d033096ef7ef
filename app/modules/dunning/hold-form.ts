import { z } from 'zod';
import { addDays, amsterdamInstant } from '~/utils/clock';
import { field, type FormErrors, parseForm, reject, text } from '~/utils/forms';

export type HoldForm = { ok: true; until: Date | null; note: string | null } | { ok: false; errors: FormErrors };

const HOLD_NOTE_MAX_LENGTH = 500;

/** The manual-hold form's schema; `today` is a YYYY-MM-DD day in Amsterdam. */
export function holdFormSchema(today: string) {
  return z.object({
    until: field().transform((day, ctx) => {
      if (!day) return null;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
        return reject(ctx, { key: 'bo.form.error.date' });
      if (day <= today || day > addDays(today, 365)) return reject(ctx, { key: 'bo.debtor.hold.untilRange' });
      // The hold ends when that day begins in Amsterdam.
      return amsterdamInstant(day, 0);
    }),
    note: text({ max: HOLD_NOTE_MAX_LENGTH, kind: 'multiline' }).transform((note) => note || null),
  });
}

/**
 * The manual-hold form (debtor and invoice pages): an optional end day after today and within a
 * year, and an optional note of at most 500 characters. `today` is a YYYY-MM-DD day in Amsterdam.
 */
export function parseHoldForm(form: FormData, today: string): HoldForm {
  const parsed = parseForm(holdFormSchema(today), form);
  return parsed.ok ? { ok: true, ...parsed.data } : parsed;
}
