/**
 * The pay page's "Update total" (the running total without JavaScript): the server answers the
 * total of what the form chose by the checkout's own rule, credit set off first, with the choice
 * sent back to show again; refusals name the field; nothing is written either way.
 */
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { debtors, dunningPauses, payments } from '~db/schema';
import { action } from '~/routes/portal.pay._index';
import { addDays, amsterdamDate, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice } from '~test/factories';
import { debtorWithOverdue } from '~test/factories-payments';
import { formRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';

type Result = {
  errors?: Record<string, string>;
  total?: { totalCents: number; fromCreditCents: number; providerCents: number };
  chosen: { scope: string; amountMode: string; invoice: string[] };
};

function unwrap(result: unknown): { status: number; body: Result } {
  if (result instanceof Response) return { status: result.status, body: {} as Result };
  if (result && typeof result === 'object' && 'data' in result && 'init' in result) {
    const { data, init } = result as { data: Result; init?: { status?: number } | null };
    return { status: init?.status ?? 200, body: data };
  }
  return { status: 200, body: result as Result };
}

async function setup() {
  const { org, debtor, invoices } = await debtorWithOverdue([10_000, 5_000]);
  // The portal reads the system clock: this one is due in ten days from its today.
  const notDue = await createInvoice(org, debtor, {
    totalCents: 2_500,
    dueDate: addDays(amsterdamDate(systemClock.now()), 10),
  });
  await getDb().update(debtors).set({ creditCents: 1_500 }).where(eq(debtors.id, debtor.id));
  const { cookie } = await openPortal(debtor);
  const post = async (fields: Record<string, string | string[]>, query = '?index') =>
    unwrap(await settle(() => action(routeArgs(formRequest(`/portal/pay${query}`, fields, { cookie })) as never)));
  return { org, debtor, overdue: invoices, notDue, post };
}

const written = async () => ({
  payments: (await getDb().select({ n: count() }).from(payments))[0].n,
  pauses: (await getDb().select({ n: count() }).from(dunningPauses))[0].n,
});

describe('Update total on the pay page', () => {
  it('answers the total of the chosen invoices, credit first, and the choice to show again', async () => {
    const { overdue, notDue, post } = await setup();
    const before = await written();
    const { status, body } = await post({
      intent: 'total',
      scope: 'invoices',
      invoice: [overdue[0].id, notDue.id],
      method: 'ideal',
    });
    expect(status).toBe(200);
    expect(body.total).toEqual({ totalCents: 12_500, fromCreditCents: 1_500, providerCents: 11_000 });
    expect(body.chosen).toEqual({ scope: 'invoices', amountMode: '', invoice: [overdue[0].id, notDue.id] });
    expect(await written()).toEqual(before);
  });

  it('for the quick choices and for part of one invoice, by the same rules as paying', async () => {
    const { overdue, post } = await setup();
    expect((await post({ intent: 'total', scope: 'overdue' })).body.total).toMatchObject({ totalCents: 15_000 });
    expect((await post({ intent: 'total', scope: 'all' })).body.total).toMatchObject({ totalCents: 17_500 });
    const part = await post(
      { intent: 'total', scope: 'single', invoice: overdue[1].id, amountMode: 'part', amount: '25,00' },
      `?invoice=${overdue[1].id}&index`,
    );
    expect(part.body.total).toEqual({ totalCents: 2_500, fromCreditCents: 1_500, providerCents: 1_000 });
    expect(part.body.chosen).toMatchObject({ scope: 'single', amountMode: 'part' });
  });

  it('refuses what cannot be paid, naming the field, and writes nothing', async () => {
    const { org, overdue, post } = await setup();
    const before = await written();
    const none = await post({ intent: 'total', scope: 'invoices' });
    expect(none).toMatchObject({ status: 400, body: { errors: { invoice: 'nothing_due' } } });
    const stranger = await createInvoice(org, await createDebtor(org), { totalCents: 1_000 });
    const theirs = await post({ intent: 'total', scope: 'invoices', invoice: [overdue[0].id, stranger.id] });
    expect(theirs).toMatchObject({ status: 400, body: { errors: { invoice: 'invoice_not_found' } } });
    const tooLittle = await post({
      intent: 'total',
      scope: 'single',
      invoice: overdue[0].id,
      amountMode: 'part',
      amount: '0,50',
    });
    expect(tooLittle).toMatchObject({ status: 400, body: { errors: { amount: 'amount_below_minimum' } } });
    const notAnAmount = await post({ intent: 'total', scope: 'single', invoice: overdue[0].id, amount: 'veel' });
    expect(notAnAmount).toMatchObject({ status: 400, body: { errors: { amount: 'amount_invalid' } } });
    const unknown = await post({ intent: 'pay-twice', scope: 'overdue', method: 'ideal' });
    expect(unknown).toMatchObject({ status: 400, body: { errors: { form: 'unknown_action' } } });
    expect(await written()).toEqual(before);
  });
});
