/**
 * The two thank-you emails: "promise kept" when a promise's invoices are all settled, and
 * "plan completed" when a running plan ends paid. Each through the outbox, in the debtor's
 * language, with the creditor's branding, and once.
 */
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { communications, payments } from '~db/schema';
import { mailsTo, planWorld } from '~test/factories-plans';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { applyPaymentStatus } from '~/modules/ledger/ledger.server';
import { sendCommunication } from '~/modules/mail/outbox.server';
import { makePromise, proposePlan } from './debtor.server';
import { installmentPaymentIntent } from './installments.server';
import { runPlanMaintenance } from './maintenance.server';
import { completePlanIfDone } from './plans.server';

const NOW = '2026-11-23T10:00:00Z';

async function transferIn(
  world: Awaited<ReturnType<typeof planWorld>>,
  amountCents: number,
  clock: ReturnType<typeof fixedClock>,
) {
  const [payment] = await getDb()
    .insert(payments)
    .values({
      organizationId: world.org.id,
      debtorId: world.debtor.id,
      provider: 'bank_transfer',
      amountCents,
      status: 'pending',
    })
    .returning();
  await applyPaymentStatus(payment.id, 'paid', { clock });
}

async function renderedMail(debtorId: string, template: string, clock: ReturnType<typeof fixedClock>) {
  const [row] = await getDb()
    .select()
    .from(communications)
    .where(and(eq(communications.debtorId, debtorId), eq(communications.template, template)));
  expect(await sendCommunication(row.id, { clock })).toMatchObject({ status: 'sent' });
  const [sent] = await getDb().select().from(communications).where(eq(communications.id, row.id));
  return sent;
}

describe('promise kept', () => {
  it('thanks the debtor once, in their language, when the promised invoices are settled', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld({}, { locale: 'nl' });
    const ids = w.invoices.map((i) => i.id);
    const made = await makePromise(w.session, { invoiceIds: ids, date: '2026-12-01' }, { clock });
    if (!made.ok) throw new Error('refused');

    clock.set('2026-11-30T12:00:00Z');
    await transferIn(w, 45_000, clock);
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).promisesKept).toBe(1);
    // A second run finds nothing to do and writes nothing twice.
    await runPlanMaintenance({ clock, organizationId: w.org.id });

    const kept = (await mailsTo(w.debtor.id)).filter((m) => m.template === 'promise_kept');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      locale: 'nl',
      toAddress: w.debtor.email,
      props: { promise: { amountCents: 45_000, date: '2026-12-01' } },
    });
    const sent = await renderedMail(w.debtor.id, 'promise_kept', clock);
    expect(sent.subject).toBe('Bedankt: uw toegezegde betaling is binnen');
    expect(sent.textBody).toContain(`Voor de facturen ${w.invoices[0].number}, ${w.invoices[1].number}`);
    expect(sent.textBody).toContain(w.org.legalName);
  });

  it('is not sent for a broken promise', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld();
    const made = await makePromise(w.session, { invoiceIds: [w.invoices[0].id], date: '2026-12-01' }, { clock });
    if (!made.ok) throw new Error('refused');
    clock.set('2026-12-02T09:00:00Z');
    expect((await runPlanMaintenance({ clock, organizationId: w.org.id })).promisesBroken).toBe(1);
    expect((await mailsTo(w.debtor.id)).map((m) => m.template)).toEqual(['promise_confirmed', 'promise_broken']);
  });
});

describe('plan completed', () => {
  it('thanks the debtor once, in English for an English debtor, when the last installment is paid', async () => {
    const clock = fixedClock(NOW);
    const w = await planWorld({}, { locale: 'en' });
    const ids = w.invoices.map((i) => i.id);
    const proposed = await proposePlan(
      w.session,
      {
        invoiceIds: ids,
        installmentCount: 2,
        frequency: 'monthly',
        firstDate: '2026-12-01',
        downPaymentCents: 0,
        reason: 'Tijdelijk minder werk',
      },
      { clock },
    );
    if (!proposed.ok || !proposed.autoApproved) throw new Error('not approved');
    const planId = proposed.plan.id;

    for (const day of ['2026-12-01T09:00:00Z', '2027-01-01T09:00:00Z']) {
      clock.set(day);
      const due = (await getDb().transaction((tx) => installmentPaymentIntent(tx, w.session, planId)))!;
      const [payment] = await getDb()
        .insert(payments)
        .values({
          organizationId: w.org.id,
          debtorId: w.debtor.id,
          provider: 'demo',
          amountCents: due.amountCents,
          status: 'open',
          intent: due.intent,
          installmentId: due.installmentId,
        })
        .returning();
      await applyPaymentStatus(payment.id, 'paid', { clock });
    }
    // Looking again (the daily maintenance, a late ledger event) sends nothing more.
    expect(
      await getDb().transaction((tx) => completePlanIfDone(tx, planId, { type: 'system', id: 'test' }, { clock })),
    ).toBe(false);
    await runPlanMaintenance({ clock, organizationId: w.org.id });

    const completed = (await mailsTo(w.debtor.id)).filter((m) => m.template === 'plan_completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ locale: 'en', props: { plan: { totalCents: 45_000 } } });
    const sent = await renderedMail(w.debtor.id, 'plan_completed', clock);
    expect(sent.subject).toBe('Your payment plan is complete');
    expect(sent.textBody).toContain('Your payment plan of €450.00 is complete');
    expect(sent.html).toContain('lang="en"');
  });
});
