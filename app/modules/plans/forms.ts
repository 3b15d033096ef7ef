/**
 * Reading the plan and promise forms as posted (no JavaScript needed): zod schemas read with
 * `parseForm` (app/utils/forms.ts). Pure and browser-safe: the portal's live preview reads its
 * form with the same code the server uses.
 */
import { z } from 'zod';
import { amount, choice, field, parseForm, reject, repeated, text, whenValid, wholeNumber } from '~/utils/forms';
import type { FieldError } from '~/utils/i18n';
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

/** The plan form as posted (checkboxes `invoice`), as typed. Never refuses. */
export const planValuesSchema = z
  .object({
    invoice: repeated(field({ trim: false })),
    installmentCount: field(),
    frequency: field(),
    firstDate: field(),
    downPayment: field(),
    reason: field(),
  })
  .transform(({ invoice, ...rest }): PlanFormValues => ({ invoiceIds: invoice, ...rest }));

export function readPlanForm(form: FormData): PlanFormValues {
  const parsed = parseForm(planValuesSchema, form);
  return parsed.ok
    ? parsed.data
    : { invoiceIds: [], installmentCount: '', frequency: '', firstDate: '', downPayment: '', reason: '' };
}

const Uuid = z.uuid();

/** The plan's reason (and finance's note on a counter-proposal): optional, multi-line, bounded. */
export const planReasonField = () =>
  text({
    max: REASON_MAX_LENGTH,
    kind: 'multiline',
    tooLong: { key: 'plan.error.reasonTooLong', params: { max: REASON_MAX_LENGTH } },
    controlChars: { key: 'plan.error.reasonControlChars' },
  });

/**
 * The typed values as numbers, each field that cannot be read named (the keys are the fields'
 * error names: the checkboxes `invoice` answer as `invoices`).
 */
export const planInputSchema = z
  .object({
    invoices: z.array(z.string()),
    installmentCount: wholeNumber({ digits: 4, error: { key: 'plan.error.countInvalid' } }),
    frequency: choice(FREQUENCIES as [Frequency, ...Frequency[]], { key: 'plan.error.frequency' }),
    firstDate: field(),
    downPayment: amount({
      empty: 0,
      invalid: { key: 'plan.error.downPaymentInvalid' },
      tooLarge: { key: 'plan.error.downPaymentTooLarge' },
      signed: { key: 'plan.error.downPaymentNegative' },
    }),
    reason: planReasonField().transform((reason) => reason || null),
  })
  .superRefine((input, ctx) => {
    // An id that is not even a UUID cannot be one of the debtor's invoices.
    if (input.invoices.some((id) => !Uuid.safeParse(id).success))
      reject(ctx, { key: 'plan.error.invoiceUnknown' }, ['invoices']);
  }, whenValid('invoices'))
  .transform(({ invoices, downPayment, ...rest }) => ({
    invoiceIds: invoices,
    downPaymentCents: downPayment,
    ...rest,
  }));

export type PlanInput = z.output<typeof planInputSchema>;

/** Turns the typed values into numbers, or names each field that cannot be read. */
export function parsePlanValues(
  values: PlanFormValues,
): { ok: true; input: PlanInput } | { ok: false; errors: FieldErrors } {
  const { invoiceIds, ...rest } = values;
  const parsed = parseForm(planInputSchema, { invoices: invoiceIds, ...rest });
  return parsed.ok ? { ok: true, input: parsed.data } : { ok: false, errors: parsed.errors as FieldErrors };
}

/** The portal's proposal form's button: "Bekijk het schema" previews, anything else proposes. */
export const proposalIntentSchema = z.object({
  intent: field().transform((intent) => (intent === INTENT.preview ? INTENT.preview : INTENT.propose)),
});

/** A plan page's buttons as posted: the answer to a counter-proposal, or paying an installment. */
export const planAnswerSchema = z.object({
  intent: field(),
  installment: field({ trim: false }),
  method: field({ trim: false }).transform((method) => (method === 'creditcard' ? 'creditcard' : 'ideal')),
});

/**
 * Finance's review form as posted: the decision, a rejection's reason (checked by `rejectPlan`)
 * and a counter-proposal's fields as typed (read by `parsePlanValues`; its note is the reason).
 */
export const reviewFormSchema = z
  .object({
    intent: field(),
    reason: field(),
    installmentCount: field(),
    frequency: field(),
    firstDate: field(),
    downPayment: field(),
    note: field(),
  })
  .transform(({ intent, reason, note, ...counter }) => ({
    intent,
    reason,
    counter: { invoiceIds: [], ...counter, reason: note } satisfies PlanFormValues,
  }));

/** What the person typed into the promise form (checkboxes `invoice`, a day), kept as text. */
export type PromiseFormValues = { invoiceIds: string[]; date: string };

export const promiseValuesSchema = z
  .object({ invoice: repeated(field({ trim: false })), date: field() })
  .transform(({ invoice, date }): PromiseFormValues => ({ invoiceIds: invoice, date }));

export function readPromiseForm(form: FormData): PromiseFormValues {
  const parsed = parseForm(promiseValuesSchema, form);
  return parsed.ok ? parsed.data : { invoiceIds: [], date: '' };
}

/** The promise's invoices must at least be ids; the day is checked against the policy by `makePromise`. */
export const promiseInputSchema = z
  .object({
    invoices: z.array(z.string()).refine((ids) => ids.every((id) => Uuid.safeParse(id).success), {
      error: 'plan.error.invoiceUnknown',
    }),
    date: z.string(),
  })
  .transform(({ invoices, date }): PromiseFormValues => ({ invoiceIds: invoices, date }));

export function parsePromiseValues(
  values: PromiseFormValues,
):
  | { ok: true; input: PromiseFormValues }
  | { ok: false; errors: Partial<Record<'invoices' | 'date' | 'form', FieldError>> } {
  const parsed = parseForm(promiseInputSchema, { invoices: values.invoiceIds, date: values.date });
  return parsed.ok ? { ok: true, input: parsed.data } : parsed;
}
