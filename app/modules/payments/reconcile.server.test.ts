import { eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { invoices, payments } from '~db/schema';
import { debtorWithOverdue, startedPayment, withProvider } from '~test/factories-payments';
import { stripeMock } from '~test/msw/stripe';
import { amsterdamDate, fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { activePauses } from '~/modules/dunning/pauses.server';
import { reconcileStalePayments } from './reconcile.server';

const stripe = stripeMock();
const server = setupServer(...stripe.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** When the checkouts were started, and an hour later, when the reconciler looks. */
const STARTED = new Date('2026-11-20T10:00:00Z');
const AN_HOUR_LATER = new Date(STARTED.getTime() + 60 * 60_000);

async function status(id: string) {
  const [row] = await getDb().select({ status: payments.status }).from(payments).where(eq(payments.id, id));
  return row.status;
}

describe('reconciling payments whose webhook never came', () => {
  it('asks the provider about stale checkouts and settles, expires or fails them; fresh ones are left alone', async () => {
    const started = fixedClock(STARTED);
    const setup = await debtorWithOverdue([5_000, 3_000, 2_000, 1_000], { today: amsterdamDate(STARTED) });
    await withProvider(setup.org, 'stripe');
    const [a, b, c, d] = setup.invoices;
    // Paid at Stripe, webhook lost.
    const created = await startedPayment(setup.org, setup.debtor, [{ invoiceId: a.id, amountCents: 5_000 }], {
      providerPaymentId: 'pending',
      clock: started,
    });
    const session = await fetch('https://api.stripe.com/v1/checkout/sessions', {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        'line_items[0][price_data][unit_amount]': '5000',
        'line_items[0][quantity]': '1',
        'metadata[paymentId]': created.id,
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    await getDb().update(payments).set({ providerPaymentId: session.id }).where(eq(payments.id, created.id));
    stripe.pay(session.id);
    // Unknown at Stripe.
    const unknown = await startedPayment(setup.org, setup.debtor, [{ invoiceId: b.id, amountCents: 3_000 }], {
      providerPaymentId: 'cs_test_gone',
      clock: started,
    });
    // The checkout was never opened (the process died between the two steps).
    const orphan = await startedPayment(setup.org, setup.debtor, [{ invoiceId: c.id, amountCents: 2_000 }], {
      clock: started,
    });
    await getDb().update(payments).set({ providerPaymentId: null }).where(eq(payments.id, orphan.id));
    const clock = fixedClock(AN_HOUR_LATER);
    // Still within its checkout: not looked at.
    const fresh = await startedPayment(setup.org, setup.debtor, [{ invoiceId: d.id, amountCents: 1_000 }], { clock });

    const summary = await reconcileStalePayments({ clock });
    expect(summary).toEqual({ checked: 3, settled: 1, closed: 2, unreachable: 0 });
    expect(await status(created.id)).toBe('paid');
    expect(await status(unknown.id)).toBe('expired');
    expect(await status(orphan.id)).toBe('failed');
    expect(await status(fresh.id)).toBe('open');
    const [paid] = await getDb().select().from(invoices).where(eq(invoices.id, a.id));
    expect(paid.status).toBe('paid');
    expect((await activePauses(getDb(), [b.id, c.id], { clock })).size).toBe(0);
    expect((await activePauses(getDb(), [d.id], { clock })).size).toBe(1);

    // A second run finds nothing left to do.
    expect(await reconcileStalePayments({ clock })).toMatchObject({ checked: 0 });
  });

  it('leaves payments alone while the provider cannot be reached', async () => {
    const setup = await debtorWithOverdue([5_000], { today: amsterdamDate(STARTED) });
    await withProvider(setup.org, 'stripe');
    const payment = await startedPayment(
      setup.org,
      setup.debtor,
      [{ invoiceId: setup.invoices[0].id, amountCents: 5_000 }],
      { clock: fixedClock(STARTED) },
    );
    server.use(http.get('https://api.stripe.com/v1/checkout/sessions/:id', () => HttpResponse.error()));
    const summary = await reconcileStalePayments({ clock: fixedClock(AN_HOUR_LATER) });
    expect(summary).toMatchObject({ unreachable: 1, settled: 0, closed: 0 });
    expect(await status(payment.id)).toBe('open');
  });
});
