/**
 * Reading the plan and promise forms as posted (no JavaScript needed). Pure and browser-safe:
 * the portal's live preview reads its form with the same code the server uses.
 */
import { z } from 'zod';
import { hasForbiddenControlChars } from '../../utils/limits';
import { parseAmountToCents } from '../../utils/money';
import { FREQUENCIES, REASON_MAX_LENGTH, type FieldErrors, type Frequency } from './schedule';

export const INTENT = {
  preview: 'preview',
  propose: 'propose',
  accept: 'accept',
  decline: 'decline',
  pay: 'pay',
  approve: 'approve',
  reject: 'reject',
  counter: 'counter',
} as const;

/** What the person typed, kept as text so a refused form comes back exactly as they left it. */
export type PlanFormValues = {
  invoiceIds: string[];
  installmentCount: string;
  frequency: string;
  firstDate: string;
  downPayment: string;
  reason: string;
};

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

export function readPlanForm(form: FormData): PlanFormValues {
  return {
    invoiceIds: form.getAll('invoice').filter((v): v is string => typeof v === 'string'),
    installmentCount: text(form, 'installmentCount'),
    frequency: text(form, 'frequency'),
    firstDate: text(form, 'firstDate'),
    downPayment: text(form, 'downPayment'),
    reason: text(form, 'reason'),
  };
}

const Uuid = z.uuid();

/** Turns the typed values into numbers, or names each field that cannot be read. */
export function parsePlanValues(values: PlanFormValues):
  | {
      ok: true;
      input: {
        invoiceIds: string[];
        installmentCount: number;
        frequency: Frequency;
        firstDate: string;
        downPaymentCents: number;
        reason: string | null;
      };
    }
  | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  // An id that is not even a UUID cannot be one of the debtor's invoices.
  if (values.invoiceIds.some((id) => !Uuid.safeParse(id).success))
    errors.invoices = { key: 'plan.error.invoiceUnknown' };
  const count = /^\d{1,4}$/.test(values.installmentCount) ? Number(values.installmentCount) : NaN;
  if (Number.isNaN(count)) errors.installmentCount = { key: 'plan.error.countInvalid' };
  if (!FREQUENCIES.includes(values.frequency as Frequency)) errors.frequency = { key: 'plan.error.frequency' };
  let downPaymentCents = 0;
  if (values.downPayment !== '') {
    const parsed = parseAmountToCents(values.downPayment);
    if (parsed.ok) downPaymentCents = parsed.cents;
    else
      errors.downPayment = {
        key:
          parsed.code === 'tooLarge'
            ? 'plan.error.downPaymentTooLarge'
            : /sign/.test(parsed.reason)
              ? 'plan.error.downPaymentNegative'
              : 'plan.error.downPaymentInvalid',
      };
  }
  if (values.reason.length > REASON_MAX_LENGTH) {
    errors.reason = { key: 'plan.error.reasonTooLong', params: { max: REASON_MAX_LENGTH } };
  } else if (hasForbiddenControlChars(values.reason, 'multiline')) {
    errors.reason = { key: 'plan.error.reasonControlChars' };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      invoiceIds: values.invoiceIds,
      installmentCount: count,
      frequency: values.frequency as Frequency,
      firstDate: values.firstDate,
      downPaymentCents,
      reason: values.reason || null,
    },
  };
}
