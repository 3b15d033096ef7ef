import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { payments, planInstallments } from '~db/schema';
import { createDebtor } from '~test/factories';
import { pausesAt, planWorld, sessionOf } from '~test/factories-plans';
import { addDays, amsterdamDate, fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { applyPaymentStatus } from '~/modules/ledger/ledger.server';
import { startInstallmentCheckout } from './checkout.server';
import { proposePlan } from './debtor.server';

/** A Friday morning in Amsterdam, after the plan world's invoices fell due. */
const clock = fixedClock('2026-11-20T10:00:00Z');

async function runningPlan() {
  const w = await planWorld();
  const ids = w.invoices.map((i) => i.id);
  const firstDate = addDays(amsterdamDate(clock.now()), 3);
  const result = await proposePlan(
    w.session,
    {
      invoiceIds: ids,
      installmentCount: 3,
      frequency: 'monthly',
      firstDate,
      downPaymentCents: 0,
      reason: null,
    },
    { clock },
  );
  if (!result.ok || !result.autoApproved) throw new Error('expected an approved plan');
  const installments = await getDb()
    .select()
    .from(planInstallments)
    .where(eq(planInstallments.planId, result.plan.id))
    .orderBy(planInstallments.seq);
  return { w, ids, planId: result.plan.id, installments };
}

describe('paying an installment online (demo provider)', () => {
  it('opens one checkout for the next installment, spread over the oldest invoices, and a second tap reuses it', async () => {
    const { w, ids, planId, installments } = await runningPlan();
    const started = await startInstallmentCheckout(
      w.session,
      {
        planId,
        installmentId: installments[0].id,
        method: 'ideal',
      },
      { clock },
    );
    expect(started).toMatchObject({
      ok: true,
      reused: false,
      checkoutUrl: expect.stringMatching(/\/demo-checkout\/demo_/),
    });
    if (!started.ok) return;
    const [payment] = await getDb().select().from(payments).where(eq(payments.id, started.paymentId));
    expect(payment).toMatchObject({
      provider: 'demo',
      status: 'open',
      amountCents: 15_000,
      installmentId: installments[0].id,
      intent: [{ invoiceId: ids[0], amountCents: 15_000 }],
    });
    expect((await pausesAt([ids[0]], clock.now())).map((p) => p.reason).sort()).toEqual([
      'payment_pending',
      'payment_plan',
    ]);

    const again = await startInstallmentCheckout(
      w.session,
      { planId, installmentId: installments[0].id, method: 'ideal' },
      { clock },
    );
    expect(again).toMatchObject({ ok: true, reused: true, paymentId: started.paymentId });

    await applyPaymentStatus(started.paymentId, 'paid', { clock });
    const [first] = await getDb().select().from(planInstallments).where(eq(planInstallments.id, installments[0].id));
    expect(first).toMatchObject({ status: 'paid', paidCents: 15_000 });
    expect((await pausesAt([ids[0]], clock.now())).map((p) => p.reason)).toEqual(['payment_plan']);
  });

  it('refuses an installment that is not the next one, and any plan of another debtor', async () => {
    const { w, planId, installments } = await runningPlan();
    expect(
      await startInstallmentCheckout(
        w.session,
        { planId, installmentId: installments[1].id, method: 'ideal' },
        { clock },
      ),
    ).toEqual({
      ok: false,
      error: 'nothing_due',
    });
    const stranger = sessionOf(w.org, await createDebtor(w.org));
    expect(
      await startInstallmentCheckout(
        stranger,
        { planId, installmentId: installments[0].id, method: 'ideal' },
        { clock },
      ),
    ).toEqual({
      ok: false,
      error: 'nothing_due',
    });
    expect(await getDb().select().from(payments).where(eq(payments.debtorId, w.debtor.id))).toEqual([]);
  });
});
