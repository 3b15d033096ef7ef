import { addDays, amsterdamInstant } from '../../utils/clock';
import { hasForbiddenControlChars } from '../../utils/limits';
import type { FieldError } from '../../utils/i18n';

export type HoldForm =
  { ok: true; until: Date | null; note: string | null } | { ok: false; errors: Record<string, FieldError> };

/**
 * The manual-hold form (debtor and invoice pages): an optional end day after today and within a
 * year, and an optional note of at most 500 characters. `today` is a YYYY-MM-DD day in Amsterdam.
 */
export function parseHoldForm(form: FormData, today: string): HoldForm {
  const errors: Record<string, FieldError> = {};
  const untilText = String(form.get('until') ?? '').trim();
  const note = String(form.get('note') ?? '').trim();
  let until: Date | null = null;
  if (untilText) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(untilText) || Number.isNaN(Date.parse(`${untilText}T00:00:00Z`))) {
      errors.until = { key: 'bo.form.error.date' };
    } else if (untilText <= today || untilText > addDays(today, 365)) {
      errors.until = { key: 'bo.debtor.hold.untilRange' };
    } else {
      // The hold ends when that day begins in Amsterdam.
      until = amsterdamInstant(untilText, 0);
    }
  }
  if (note.length > 500) errors.note = { key: 'bo.form.error.tooLong', params: { max: 500 } };
  else if (hasForbiddenControlChars(note, 'multiline')) errors.note = { key: 'bo.form.error.controlChars' };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, until, note: note || null };
}
