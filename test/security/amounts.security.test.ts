/**
 * Amount tampering: the client names invoices (and, for one invoice, a part amount), never a
 * total. Extra or changed fields in the pay form, ids of paid or duplicated invoices, amounts out
 * of range in the pay and plan forms and in the API: the payment created (read from the payments
 * table and from what Stripe was asked for) is the server's own sum of the debtor's open invoices,
 * or the post is refused with a 4xx naming the field and nothing is stored.
 */
import { eq } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { invoices, paymentPlans, payments, planInstallments, promisesToPay, type Invoice } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { createApiKeyFor } from '~test/factories-intake';
import { withProvider } from '~test/factories-payments';
import { stripeMock } from '~test/msw/stripe';
import { dayFromToday, portalCookie, postFields, startHeldApp } from './held-world';
import { MODES, showsStack, type RunningApp } from './harness';

const stripe = stripeMock();
// Requests to the app under test itself (127.0.0.1) pass through; Stripe's API is the stand-in.
const server = setupServer(...stripe.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  stripe.control.fail = null;
});
afterAll(() => server.close());

/** The sum Stripe was asked to collect in its last Checkout Session. */
function lastStripeAmount() {
  const call = stripe.calls.at(-1)!;
  const lines = call.body.line_items as { price_data: { unit_amount: string; currency: string }; quantity: string }[];
  return {
    amount: lines.reduce((s, l) => s + Number(l.price_data.unit_amount) * Number(l.quantity), 0),
    currencies: [...new Set(lines.map((l) => l.price_data.currency))],
  };
}

async function paymentsOf(debtorId: string) {
  return getDb().select().from(payments).where(eq(payments.debtorId, debtorId));
}

describe.each(MODES)('amounts in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startHeldApp(mode);
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** A debtor of a Stripe creditor with three overdue invoices, one paid invoice, and a portal session. */
  async function payer() {
    const org = await withProvider(await createOrganization(), 'stripe');
    const debtor = await createDebtor(org);
    const due = dayFromToday(-20);
    const open: Invoice[] = [];
    for (const cents of [12_100, 4_550, 30_000])
      open.push(
        await createInvoice(org, debtor, { totalCents: cents, openCents: cents, dueDate: due, dunningStage: 1 }),
      );
    // One with costs on top: what is owed is open + costs + interest, computed by the server.
    await getDb().update(invoices).set({ costsCents: 4_000, interestCents: 37 }).where(eq(invoices.id, open[2].id));
    const paid = await createInvoice(org, debtor, { totalCents: 9_900, openCents: 0, status: 'paid', dueDate: due });
    const cookie = await portalCookie(app, debtor);
    return { org, debtor, open, paid, cookie, owed: 12_100 + 4_550 + 30_000 + 4_037 };
  }

  it('extra and changed fields (amount, amountCents, currency, status, totals) do not change what is charged', async () => {
    const p = await payer();
    const answer = await postFields(app, '/portal/pay', p.cookie, [
      ['scope', 'overdue'],
      ['method', 'ideal'],
      ['amount', '0,01'],
      ['amountCents', '1'],
      ['totalCents', '1'],
      ['currency', 'USD'],
      ['status', 'paid'],
      ['provider', 'demo'],
      ['debtorId', (await createDebtor(p.org)).id],
      ['organizationId', (await createOrganization()).id],
    ]);
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const [payment] = await paymentsOf(p.debtor.id);
    expect(payment).toMatchObject({
      amountCents: p.owed,
      currency: 'EUR',
      status: 'open',
      provider: 'stripe',
      organizationId: p.org.id,
    });
    expect(lastStripeAmount()).toEqual({ amount: p.owed, currencies: ['eur'] });
    expect((payment.intent ?? []).map((i) => i.invoiceId).sort()).toEqual(p.open.map((i) => i.id).sort());
  });

  it('a paid invoice named in the form is refused; nothing is started', async () => {
    const p = await payer();
    for (const ids of [[p.paid.id], [p.open[0].id, p.paid.id]]) {
      const answer = await postFields(app, '/portal/pay', p.cookie, [
        ['scope', 'invoices'],
        ...ids.map((id): [string, string] => ['invoice', id]),
        ['method', 'ideal'],
      ]);
      expect(answer.status).toBe(400);
      expect(showsStack(answer.body)).toBe(false);
    }
    expect(await paymentsOf(p.debtor.id)).toEqual([]);
  });

  it('an invoice named twice is charged once', async () => {
    const p = await payer();
    const answer = await postFields(app, '/portal/pay', p.cookie, [
      ['scope', 'invoices'],
      ['invoice', p.open[1].id],
      ['invoice', p.open[1].id],
      ['invoice', p.open[1].id.toUpperCase()],
      ['method', 'creditcard'],
    ]);
    // Upper case is the same UUID to PostgreSQL but another string to the form: refused or charged once.
    expect([302, 400]).toContain(answer.status);
    const made = await paymentsOf(p.debtor.id);
    if (answer.status === 302) {
      expect(made).toHaveLength(1);
      expect(made[0].amountCents).toBe(4_550);
    } else {
      expect(made).toEqual([]);
    }
    const plain = await postFields(app, '/portal/pay', p.cookie, [
      ['scope', 'invoices'],
      ['invoice', p.open[1].id],
      ['invoice', p.open[1].id],
      ['method', 'creditcard'],
    ]);
    expect(plain.status).toBe(302);
    const after = await paymentsOf(p.debtor.id);
    expect(after).toHaveLength(1);
    expect(after[0].amountCents).toBe(4_550);
    expect(lastStripeAmount().amount).toBe(4_550);
  });

  it('a part payment is taken only between the minimum and what is owed; every other amount is refused', async () => {
    const p = await payer();
    const single = (amount: string): [string, string][] => [
      ['scope', 'single'],
      ['invoice', p.open[0].id],
      ['amountMode', 'part'],
      ['amount', amount],
      ['method', 'ideal'],
    ];
    for (const amount of [
      '-5,00',
      '0',
      '0,00',
      '9,99',
      '121,01',
      '1000000000000',
      '1e3',
      'NaN',
      'Infinity',
      '12,345',
      '12.34.56',
      '0x10',
      '',
      ' ',
      '١٠٠',
      '9'.repeat(400),
    ]) {
      const answer = await postFields(app, '/portal/pay', p.cookie, single(amount));
      expect(answer.status, amount).toBe(400);
      expect(showsStack(answer.body), amount).toBe(false);
    }
    expect(await paymentsOf(p.debtor.id)).toEqual([]);
    const taken = await postFields(app, '/portal/pay', p.cookie, single('20,00'));
    expect(taken.status).toBe(302);
    expect((await paymentsOf(p.debtor.id))[0].amountCents).toBe(2_000);
    expect(lastStripeAmount().amount).toBe(2_000);
  });

  it('unknown scopes and methods are refused', async () => {
    const p = await payer();
    for (const fields of [
      [
        ['scope', 'everything'],
        ['method', 'ideal'],
      ],
      [
        ['scope', 'overdue'],
        ['method', 'paypal'],
      ],
      [['scope', 'overdue']],
      [['method', 'ideal']],
    ] as [string, string][][]) {
      expect((await postFields(app, '/portal/pay', p.cookie, fields)).status, JSON.stringify(fields)).toBe(400);
    }
    expect(await paymentsOf(p.debtor.id)).toEqual([]);
  });

  it('plan proposals with amounts or counts out of range are refused; a taken one sums exactly', async () => {
    const p = await payer();
    const propose = (over: Record<string, string>) =>
      postFields(app, '/portal/plan', p.cookie, [
        ['intent', 'propose'],
        ['invoice', p.open[0].id],
        ['invoice', p.open[1].id],
        ...Object.entries({ installmentCount: '3', frequency: 'monthly', firstDate: dayFromToday(10), ...over }),
      ]);
    const outOfRange: Record<string, string>[] = [
      { downPayment: '-10,00' },
      { downPayment: '0,001' },
      { downPayment: '99999999999999' },
      { downPayment: '166,50' },
      { downPayment: '1e5' },
      { installmentCount: '0' },
      { installmentCount: '-3' },
      { installmentCount: '2.5' },
      { installmentCount: '10000' },
      { installmentCount: 'drie' },
      { frequency: 'daily' },
      { firstDate: dayFromToday(-1) },
      { firstDate: '2026-02-30' },
      { firstDate: '9999-12-31' },
    ];
    for (const over of outOfRange) {
      const answer = await propose(over);
      expect(answer.status, JSON.stringify(over)).toBe(400);
      expect(showsStack(answer.body)).toBe(false);
    }
    expect(await getDb().select().from(paymentPlans).where(eq(paymentPlans.debtorId, p.debtor.id))).toEqual([]);

    const taken = await propose({ installmentCount: '3', downPayment: '10,01' });
    expect(taken.status).toBe(302);
    const [plan] = await getDb().select().from(paymentPlans).where(eq(paymentPlans.debtorId, p.debtor.id));
    expect(plan.totalCents).toBe(12_100 + 4_550);
    const parts = await getDb().select().from(planInstallments).where(eq(planInstallments.planId, plan.id));
    expect(parts.reduce((s, i) => s + i.amountCents, 0)).toBe(plan.totalCents);
    expect(parts.every((i) => i.amountCents > 0)).toBe(true);
  });

  it('a promise for a date in the past or beyond the policy is refused', async () => {
    const p = await payer();
    for (const date of [dayFromToday(-1), dayFromToday(400), '2026-13-01', 'morgen', '']) {
      const answer = await postFields(app, '/portal/promise', p.cookie, [
        ['invoice', p.open[0].id],
        ['date', date],
      ]);
      expect(answer.status, date).toBe(400);
    }
    expect(await getDb().select().from(promisesToPay).where(eq(promisesToPay.debtorId, p.debtor.id))).toEqual([]);
  });

  describe('the API', () => {
    let key: string;
    let invoice: Invoice;
    beforeAll(async () => {
      const org = await createOrganization();
      key = (await createApiKeyFor(org)).key;
      invoice = await createInvoice(org, await createDebtor(org), { totalCents: 50_000, openCents: 50_000 });
    });
    const send = (method: string, path: string, json: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: typeof json === 'string' ? json : JSON.stringify(json),
      });
    const issuesOf = (body: string) =>
      (JSON.parse(body) as { error: { issues?: { path: string }[] } }).error.issues?.map((i) => i.path) ?? [];

    it('settle with an amount out of range, of the wrong type, or another currency: 400 naming the field, nothing booked', async () => {
      const path = `/api/v1/invoices/${encodeURIComponent(invoice.number)}/settle`;
      for (const [body, field] of [
        [{ outcome: 'paid', amountCents: 0 }, 'amountCents'],
        [{ outcome: 'paid', amountCents: -100 }, 'amountCents'],
        [{ outcome: 'paid', amountCents: 12.5 }, 'amountCents'],
        [{ outcome: 'paid', amountCents: '100' }, 'amountCents'],
        [{ outcome: 'paid', amountCents: 1e15 }, 'amountCents'],
        [{ outcome: 'paid', amountCents: Number.MAX_SAFE_INTEGER + 2 }, 'amountCents'],
        [{ outcome: 'paid', amountCents: 100, currency: 'USD' }, 'currency'],
        [{ outcome: 'refund', amountCents: 100 }, 'outcome'],
        [{ outcome: 'paid', amountCents: 100, status: 'paid' }, 'status'],
      ] as const) {
        const answer = await send('POST', path, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body, JSON.stringify(body)).toContain(field);
      }
      for (const raw of ['{"outcome":"paid","amountCents":1e400}', '{"outcome":"paid","amountCents":NaN}']) {
        const answer = await send('POST', path, raw);
        expect(answer.status, raw).toBe(400);
      }
      // More than is open: refused, naming the amount.
      const over = await send('POST', path, { outcome: 'paid', amountCents: 50_001 });
      expect(over.status).toBeGreaterThanOrEqual(400);
      expect(over.status).toBeLessThan(500);
      expect(over.body).toContain('amountCents');
      const [row] = await getDb().select().from(invoices).where(eq(invoices.id, invoice.id));
      expect(row).toMatchObject({ openCents: 50_000, status: 'open' });
      expect(await getDb().select().from(payments).where(eq(payments.organizationId, invoice.organizationId))).toEqual(
        [],
      );
    });

    it('invoices with another currency, a total out of range, or lines that do not add up: 400 naming the field', async () => {
      const base = {
        debtor: { externalRef: 'amount-debtor', kind: 'consumer', name: 'Bedrag', email: 'bedrag@example.nl' },
        issueDate: dayFromToday(-10),
        dueDate: dayFromToday(10),
        totalCents: 12_100,
      };
      for (const [over, field] of [
        [{ currency: 'USD' }, 'currency'],
        [{ totalCents: 0 }, 'totalCents'],
        [{ totalCents: -12_100 }, 'totalCents'],
        [{ totalCents: 121.5 }, 'totalCents'],
        [{ totalCents: 1e16 }, 'totalCents'],
        [{ totalCents: '12100' }, 'totalCents'],
        [
          { lines: [{ description: 'x', quantity: 1, unitPriceCents: 1, vatRatePercent: 21, amountCents: 1 }] },
          'lines',
        ],
        [{ openCents: 1 }, 'openCents'],
      ] as const) {
        const answer = await send('PUT', `/api/v1/invoices/AMT-${field}`, { ...base, ...over });
        expect(answer.status, JSON.stringify(over)).toBe(400);
        expect(issuesOf(answer.body).join(' ') || answer.body, JSON.stringify(over)).toContain(field);
      }
    });
  });
});
