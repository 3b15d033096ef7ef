/**
 * The rules of "Ik heb het overgemaakt" that need no database: how long a notice pauses dunning,
 * and what the form may carry. Pure, so the settings form, the page and the service share them.
 */
import type { PortalSettings } from '~db/schema';
import { addDutchBusinessDays } from '~/utils/business-days';
import { addDays, amsterdamDate, amsterdamInstant } from '~/utils/clock';
import { z } from 'zod';
import { parseForm, reject, typedValues, field } from '~/utils/forms';
import { hasForbiddenControlChars } from '~/utils/limits';
import { parseAmountToCents } from '~/utils/money';

/** The creditor's setting "business days a transfer notice pauses dunning": default and bounds. */
export const DEFAULT_TRANSFER_NOTICE_DAYS = 5;
export const MIN_TRANSFER_NOTICE_DAYS = 1;
export const MAX_TRANSFER_NOTICE_DAYS = 15;

/** A transfer may be announced up to this many calendar days after it was made. */
export const TRANSFER_NOTICE_MAX_AGE_DAYS = 30;

/** At most this many invoices in one notice (the transfer page never shows more). */
export const TRANSFER_NOTICE_MAX_INVOICES = 200;

/** The setting as stored (optional in older organisations' JSON), or the default. */
export function transferNoticeDaysOf(settings: Pick<PortalSettings, 'transferNoticeDays'> | null | undefined) {
  const days = settings?.transferNoticeDays;
  return typeof days === 'number' &&
    Number.isInteger(days) &&
    days >= MIN_TRANSFER_NOTICE_DAYS &&
    days <= MAX_TRANSFER_NOTICE_DAYS
    ? days
    : DEFAULT_TRANSFER_NOTICE_DAYS;
}

/** The last moment of a calendar day in Europe/Amsterdam. */
export function endOfAmsterdamDay(day: string): Date {
  return new Date(amsterdamInstant(addDays(day, 1), 0).getTime() - 1);
}

/**
 * How long a notice made at `now` pauses dunning: to the end of the `days`-th Dutch business
 * day after today (Amsterdam), so a notice on a Friday or before Christmas still gets its
 * business days.
 */
export function transferNoticePause(now: Date, days: number): { lastDay: string; until: Date } {
  const lastDay = addDutchBusinessDays(amsterdamDate(now), days);
  return { lastDay, until: endOfAmsterdamDay(lastDay) };
}

export type TransferNoticeField = 'invoices' | 'transferredOn' | 'amount';
export type TransferNoticeErrorKey =
  | 'pay.transfer.notice.error.invoices'
  | 'pay.transfer.notice.error.dateInvalid'
  | 'pay.transfer.notice.error.dateFuture'
  | 'pay.transfer.notice.error.dateTooOld'
  | 'pay.transfer.notice.error.amountInvalid'
  | 'pay.transfer.notice.error.amountZero'
  | 'pay.transfer.notice.error.amountTooLarge'
  | 'pay.transfer.notice.error.already';
export type TransferNoticeError = { key: TransferNoticeErrorKey; params?: Record<string, string | number> };
export type TransferNoticeErrors = Partial<Record<TransferNoticeField, TransferNoticeError>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(value: string) {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The earliest and latest transfer date the form accepts on `today`. */
export function transferDateRange(today: string) {
  return { min: addDays(today, -TRANSFER_NOTICE_MAX_AGE_DAYS), max: today };
}

/** Checks a transfer date against today (Amsterdam): a real date, not ahead, not too long ago. */
export function checkTransferDate(value: string, today: string): TransferNoticeError | null {
  if (!isCalendarDate(value)) return { key: 'pay.transfer.notice.error.dateInvalid' };
  const range = transferDateRange(today);
  if (value > range.max) return { key: 'pay.transfer.notice.error.dateFuture' };
  if (value < range.min) {
    return { key: 'pay.transfer.notice.error.dateTooOld', params: { count: TRANSFER_NOTICE_MAX_AGE_DAYS } };
  }
  return null;
}

export type TransferNoticeForm = { invoiceIds: string[]; transferredOn: string; amountCents: number | null };

/**
 * The posted form: `invoice` (repeated ids), `transferredOn` (yyyy-mm-dd), `amount` (optional,
 * as a person types it). Everything is bounded here; whether the invoices are the debtor's and
 * the amount is within what they owe is the service's part.
 */
function transferNoticeSchema(today: string) {
  return z
    .object({ invoice: z.unknown().optional(), transferredOn: field(), amount: field() })
    .transform((form, ctx): TransferNoticeForm => {
      const posted = form.invoice === undefined ? [] : Array.isArray(form.invoice) ? form.invoice : [form.invoice];
      const invoiceIds = posted.filter((v): v is string => typeof v === 'string');
      if (
        invoiceIds.length === 0 ||
        invoiceIds.length !== posted.length ||
        invoiceIds.length > TRANSFER_NOTICE_MAX_INVOICES ||
        invoiceIds.some((id) => id.length > 64 || hasForbiddenControlChars(id))
      ) {
        reject(ctx, { key: 'pay.transfer.notice.error.invoices' }, ['invoices']);
      }
      const { transferredOn } = form;
      const dateError =
        transferredOn.length > 20 || hasForbiddenControlChars(transferredOn)
          ? ({ key: 'pay.transfer.notice.error.dateInvalid' } as const)
          : checkTransferDate(transferredOn, today);
      if (dateError) reject(ctx, dateError, ['transferredOn']);
      return { invoiceIds: [...new Set(invoiceIds)], transferredOn, amountCents: noticeAmount(form.amount, ctx) };
    });
}

/** The optional amount: null when left empty, else a positive amount in cents. */
function noticeAmount(text: string, ctx: z.RefinementCtx): number | null {
  if (text === '') return null;
  if (text.length > 40 || hasForbiddenControlChars(text)) {
    return reject(ctx, { key: 'pay.transfer.notice.error.amountInvalid' }, ['amount']);
  }
  const parsed = parseAmountToCents(text);
  if (!parsed.ok) return reject(ctx, { key: 'pay.transfer.notice.error.amountInvalid' }, ['amount']);
  if (parsed.cents <= 0) return reject(ctx, { key: 'pay.transfer.notice.error.amountZero' }, ['amount']);
  return parsed.cents;
}

export function parseTransferNoticeForm(
  form: FormData,
  today: string,
):
  | { ok: true; value: TransferNoticeForm }
  | { ok: false; errors: TransferNoticeErrors; values: Record<string, string> } {
  const parsed = parseForm(transferNoticeSchema(today), form);
  if (parsed.ok) return { ok: true, value: parsed.data };
  // What the debtor typed goes back into the fields, bounded and without control characters.
  const typed = typedValues(form, ['transferredOn', 'amount'], 1_000);
  const clean = (v: string) => (hasForbiddenControlChars(v.trim()) ? '' : v.trim().slice(0, 40));
  return {
    ok: false,
    errors: parsed.errors as TransferNoticeErrors,
    values: { transferredOn: clean(typed.transferredOn), amount: clean(typed.amount) },
  };
}
