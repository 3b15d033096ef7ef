/**
 * Why a bank line waits in the queue (or was set aside), stored in bank_entries.note as
 * `[code] detail` so pages can translate it (bank.note.<code>); a staff member's own note is
 * stored as written. Pure, for the server and the pages alike.
 */
export const SYSTEM_NOTE_CODES = [
  'invoice_settled',
  'several_debtors',
  'ambiguous_reference',
  'unknown_reference',
  'no_match',
  'iban_several_debtors',
  'amount_differs',
  'nothing_owed',
  'ambiguous_amount',
  'credit_reversal',
  'returned',
  'returns',
  'reversal_unlinked',
  'not_booked',
] as const;

export type SystemNoteCode = (typeof SYSTEM_NOTE_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(SYSTEM_NOTE_CODES);

export function isSystemNoteCode(code: string | null | undefined): code is SystemNoteCode {
  return typeof code === 'string' && KNOWN.has(code);
}

export function systemNote(code: SystemNoteCode, detail?: string | null): string {
  return detail ? `[${code}] ${detail}` : `[${code}]`;
}

/** Splits a stored note into a system code and its detail, or a staff member's own text. */
export function readNote(note: string | null): { code: SystemNoteCode | null; detail: string | null; text: string | null } {
  if (note === null) return { code: null, detail: null, text: null };
  const system = /^\[([a-z_]+)\](?: (.*))?$/s.exec(note);
  if (!system || !isSystemNoteCode(system[1])) return { code: null, detail: null, text: note };
  return { code: system[1], detail: system[2] ?? null, text: null };
}
