import { describe, expect, it } from 'vitest';
import { parseForm } from '~/utils/forms';
import {
  parsePlanValues,
  parsePromiseValues,
  planAnswerSchema,
  readPlanForm,
  readPromiseForm,
  reviewFormSchema,
} from './forms';

const ID = '6f1c4a52-4c8e-4f7e-9d53-2f3b7c9a1e01';
const ID2 = '0b8e2f8a-9a0c-4f55-8a55-6d1f2a3b4c5d';

const form = (fields: Record<string, string | string[]>) => {
  const f = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) f.append(name, v);
  return f;
};

describe('the plan proposal form', () => {
  it('keeps what was typed, every chosen invoice, and reads it into numbers', () => {
    const values = readPlanForm(
      form({
        invoice: [ID, ID2],
        installmentCount: ' 3 ',
        frequency: 'monthly',
        firstDate: '2026-12-20',
        downPayment: '10,50',
        reason: ' ziek ',
      }),
    );
    expect(values).toEqual({
      invoiceIds: [ID, ID2],
      installmentCount: '3',
      frequency: 'monthly',
      firstDate: '2026-12-20',
      downPayment: '10,50',
      reason: 'ziek',
    });
    expect(parsePlanValues(values)).toEqual({
      ok: true,
      input: {
        invoiceIds: [ID, ID2],
        installmentCount: 3,
        frequency: 'monthly',
        firstDate: '2026-12-20',
        downPaymentCents: 1_050,
        reason: 'ziek',
      },
    });
    expect(parsePlanValues({ ...values, downPayment: '', reason: '' })).toMatchObject({
      ok: true,
      input: { downPaymentCents: 0, reason: null },
    });
  });

  it('names every field it cannot read, the invoices among them', () => {
    const values = readPlanForm(
      form({
        invoice: [ID, 'nope'],
        installmentCount: 'drie',
        frequency: 'daily',
        downPayment: '-5',
        reason: 'x'.repeat(1001),
      }),
    );
    expect(parsePlanValues(values)).toEqual({
      ok: false,
      errors: {
        invoices: { key: 'plan.error.invoiceUnknown' },
        installmentCount: { key: 'plan.error.countInvalid' },
        frequency: { key: 'plan.error.frequency' },
        downPayment: { key: 'plan.error.downPaymentNegative' },
        reason: { key: 'plan.error.reasonTooLong', params: { max: 1000 } },
      },
    });
    expect(
      parsePlanValues({
        ...values,
        invoiceIds: [ID],
        installmentCount: '12345',
        frequency: 'biweekly',
        downPayment: '1.000',
        reason: '',
      }),
    ).toEqual({
      ok: false,
      errors: {
        installmentCount: { key: 'plan.error.countInvalid' },
        downPayment: { key: 'plan.error.downPaymentInvalid' },
      },
    });
  });
});

describe("finance's review form and the debtor's plan page", () => {
  it('reads the counter-proposal with its note as the reason', () => {
    expect(
      parseForm(
        reviewFormSchema,
        form({
          intent: 'counter',
          installmentCount: '4',
          frequency: 'biweekly',
          firstDate: '2027-01-05',
          note: ' liever zo ',
        }),
      ),
    ).toEqual({
      ok: true,
      data: {
        intent: 'counter',
        reason: '',
        counter: {
          invoiceIds: [],
          installmentCount: '4',
          frequency: 'biweekly',
          firstDate: '2027-01-05',
          downPayment: '',
          reason: 'liever zo',
        },
      },
    });
  });

  it('pays by iDEAL unless the card was chosen, and keeps the installment id as posted', () => {
    expect(parseForm(planAnswerSchema, form({ intent: 'pay', installment: ID, method: 'creditcard' }))).toEqual({
      ok: true,
      data: { intent: 'pay', installment: ID, method: 'creditcard' },
    });
    expect(parseForm(planAnswerSchema, form({ intent: 'pay', installment: ` ${ID}`, method: 'bitcoin' }))).toEqual({
      ok: true,
      data: { intent: 'pay', installment: ` ${ID}`, method: 'ideal' },
    });
  });
});

describe('the promise form', () => {
  it('keeps what was typed and passes ids and the day on', () => {
    const values = readPromiseForm(form({ invoice: [ID, ID2], date: ' 2026-12-20 ' }));
    expect(values).toEqual({ invoiceIds: [ID, ID2], date: '2026-12-20' });
    expect(parsePromiseValues(values)).toEqual({ ok: true, input: values });
  });

  it('names the invoices when one is not even an id', () => {
    expect(parsePromiseValues(readPromiseForm(form({ invoice: [ID, "1' or 1=1"], date: '2026-12-20' })))).toEqual({
      ok: false,
      errors: { invoices: { key: 'plan.error.invoiceUnknown' } },
    });
  });
});
