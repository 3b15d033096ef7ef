import { z } from 'zod';
import type { PaySelection } from './checkout.server';
import { requestedAmount } from './partial-amount';
import type { OnlineMethod } from './provider';

/** The /portal/pay form, read on the server. The client names invoices and (for one invoice) an amount; never a total. */

export const PAY_METHODS = ['ideal', 'creditcard', 'banktransfer'] as const;
export type PayMethod = (typeof PAY_METHODS)[number];

const uuid = z.uuid();
const SelectionSchema = z.object({
  scope: z.enum(['overdue', 'all', 'invoices', 'single']),
  invoice: z.array(uuid).max(200),
  amountMode: z.enum(['full', 'part']).optional(),
  amount: z.string().max(40).optional(),
});

export type PayFormField = 'scope' | 'invoice' | 'amount' | 'method';
export type PayFormResult =
  | { ok: true; selection: PaySelection; method: PayMethod }
  | {
      ok: false;
      errors: Partial<
        Record<PayFormField, 'nothing_due' | 'invoice_not_found' | 'amount_invalid' | 'amount_too_large' | 'method'>
      >;
    };

/** What the form chooses to pay, without how: the pay page's "Update total" reads this much. */
export type PaySelectionResult =
  { ok: true; selection: PaySelection } | { ok: false; errors: Extract<PayFormResult, { ok: false }>['errors'] };

export function parsePayForm(form: FormData): PayFormResult {
  const method = z.enum(PAY_METHODS).safeParse(form.get('method') ?? undefined);
  const chosen = parsePaySelection(form);
  if (!chosen.ok || !method.success) {
    return {
      ok: false,
      errors: { ...(chosen.ok ? {} : chosen.errors), ...(method.success ? {} : { method: 'method' }) },
    };
  }
  return { ok: true, selection: chosen.selection, method: method.data };
}

export function parsePaySelection(form: FormData): PaySelectionResult {
  const raw = {
    scope: form.get('scope') ?? undefined,
    invoice: form
      .getAll('invoice')
      .map(String)
      .filter((v) => v !== ''),
    amountMode: form.get('amountMode') ?? undefined,
    amount: form.get('amount') ?? undefined,
  };
  const parsed = SelectionSchema.safeParse(raw);
  if (!parsed.success) {
    const errors: Extract<PayFormResult, { ok: false }>['errors'] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'invoice') errors.invoice = 'invoice_not_found';
      else if (field === 'amount') errors.amount = 'amount_invalid';
      else errors.scope = 'nothing_due';
    }
    return { ok: false, errors };
  }
  const { scope, invoice, amountMode, amount } = parsed.data;
  switch (scope) {
    case 'overdue':
    case 'all':
      return { ok: true, selection: { kind: scope } };
    case 'invoices':
      if (invoice.length === 0) return { ok: false, errors: { invoice: 'nothing_due' } };
      return { ok: true, selection: { kind: 'invoices', invoiceIds: [...new Set(invoice)] } };
    case 'single': {
      if (invoice.length !== 1) return { ok: false, errors: { invoice: 'invoice_not_found' } };
      // What the debtor typed is what is charged (the shared rule: a filled field is the part amount).
      const requested = requestedAmount({ amountMode, amount });
      if (requested.kind === 'invalid') return { ok: false, errors: { amount: requested.error } };
      if (requested.kind === 'full') return { ok: true, selection: { kind: 'single', invoiceId: invoice[0] } };
      return { ok: true, selection: { kind: 'single', invoiceId: invoice[0], amountCents: requested.cents } };
    }
  }
}

export function isOnline(method: PayMethod): method is OnlineMethod {
  return method !== 'banktransfer';
}
