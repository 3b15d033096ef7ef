/**
 * The Mollie webhook must be no oracle (issue 12, finding 6): classic Mollie webhooks are unsigned,
 * so anyone may post any `id=tr_...`. Whether the id is another creditor's payment, unknown to us,
 * unknown to Mollie, or a payment whose creditor has no Mollie credentials, the answer is the same
 * bytes (200 "ok"), and nothing changes. msw stands in for Mollie's API, inside this process, where
 * the harness serves the built app.
 */
import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dunningPauses, invoices, organizations, payments, webhookEvents } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { createPayment } from '~test/factories-backoffice';
import { debtorWithOverdue, withProvider } from '~test/factories-payments';
import { MOLLIE_API, mollieMock, type MolliePaymentRecord } from '~test/msw/mollie';
import { MODES, showsStack, startApp, type Answer, type RunningApp } from './harness';

const mollie = mollieMock();
const server = setupServer(...mollie.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => server.close());

const trId = () => `tr_${randomBytes(5).toString('hex')}`;

/** A Mollie payment of `organization`, stored as ours; known to Mollie (open) unless `atMollie` is false. */
async function molliePayment(options: { credentials: boolean; atMollie: boolean }) {
  const setup = await debtorWithOverdue([4_200]);
  if (options.credentials) await withProvider(setup.org, 'mollie');
  const payment = await createPayment(setup.org, setup.debtor, {
    amountCents: 4_200,
    provider: 'mollie',
    status: 'open',
  });
  const id = trId();
  await getDb().update(payments).set({ providerPaymentId: id }).where(eq(payments.id, payment.id));
  if (options.atMollie)
    mollie.payments.set(id, {
      resource: 'payment',
      id,
      mode: 'test',
      createdAt: new Date('2026-10-15T10:00:00Z').toISOString(),
      amount: { value: '42.00', currency: 'EUR' },
      description: 'test',
      method: null,
      metadata: { paymentId: payment.id },
      status: 'open',
      profileId: 'pfl_QkEhN94Ba',
      sequenceType: 'oneoff',
      redirectUrl: 'http://voldaan.test/portal/pay/return',
      _links: { self: { href: `${MOLLIE_API}/payments/${id}`, type: 'application/hal+json' } },
    } satisfies MolliePaymentRecord);
  return { id, paymentId: payment.id, organizationId: setup.org.id, invoiceIds: setup.invoices.map((i) => i.id) };
}

async function snapshot(paymentIds: string[], invoiceIds: string[]) {
  const db = getDb();
  return {
    payments: await db.select().from(payments).where(inArray(payments.id, paymentIds)).orderBy(payments.id),
    invoices: await db.select().from(invoices).where(inArray(invoices.id, invoiceIds)).orderBy(invoices.id),
    pauses: await db.select().from(dunningPauses).where(inArray(dunningPauses.invoiceId, invoiceIds)),
    events: await db.select().from(webhookEvents).orderBy(webhookEvents.id),
    organizations: await db.select().from(organizations).orderBy(organizations.id),
  };
}

/** Everything a caller can compare, but the Date header and the per-answer CSP nonce. */
function comparable(answer: Answer) {
  const { date: _date, ...headers } = answer.headers;
  const strip = (value: unknown) => String(value).replace(/nonce-[A-Za-z0-9+/=_-]+/g, 'nonce-X');
  return {
    status: answer.status,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, strip(value)])),
    body: answer.body,
  };
}

describe.each(MODES)('the Mollie webhook in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(mode);
  });
  afterAll(async () => {
    await app?.stop();
  });

  // As Mollie posts it: a form with only the id, no Origin (webhooks are outside the forgery gate).
  const deliver = (id: string) =>
    app.request('/webhooks/mollie', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id }).toString(),
    });

  it('answers byte for byte alike for another creditor’s id, an unknown id and a payment without credentials, and changes nothing', async () => {
    const elsewhere = await molliePayment({ credentials: true, atMollie: false });
    const withoutCredentials = await molliePayment({ credentials: false, atMollie: true });
    const before = await snapshot(
      [elsewhere.paymentId, withoutCredentials.paymentId],
      [...elsewhere.invoiceIds, ...withoutCredentials.invoiceIds],
    );
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let answers: Answer[];
    try {
      answers = [
        // Stored as a creditor's payment, but that creditor's Mollie account does not know it (Mollie: 404).
        await deliver(elsewhere.id),
        await deliver(trId()),
        await deliver(withoutCredentials.id),
      ];
      expect(warn.mock.calls.map((c) => String(c[0]).replace(/^mollie webhook tr_\w+: (\w+).*$/, '$1'))).toEqual([
        'unknown_at_mollie',
        'unknown_payment',
        'no_credentials',
      ]);
    } finally {
      warn.mockRestore();
    }
    expect(comparable(answers[0])).toMatchObject({ status: 200, body: 'ok' });
    expect(comparable(answers[1])).toEqual(comparable(answers[0]));
    expect(comparable(answers[2])).toEqual(comparable(answers[0]));
    for (const answer of answers) expect(showsStack(answer.body)).toBe(false);
    expect(
      await snapshot(
        [elsewhere.paymentId, withoutCredentials.paymentId],
        [...elsewhere.invoiceIds, ...withoutCredentials.invoiceIds],
      ),
    ).toEqual(before);
  });

  it('answers a real payment of another creditor the same way, and only ever believes Mollie', async () => {
    const theirs = await molliePayment({ credentials: true, atMollie: true });
    const unknown = await deliver(trId());
    const real = await deliver(theirs.id);
    expect(comparable(real)).toEqual(comparable(unknown));
    const [row] = await getDb().select().from(payments).where(eq(payments.id, theirs.paymentId));
    // Mollie says "open": the payment stays open.
    expect(row.status).toBe('open');
  });

  it('refuses a body without a well-formed id with 400 and no stack, whatever is in it', async () => {
    for (const body of [
      '',
      'id=',
      'id=%27%20or%201%3D1',
      'id=tr_ab',
      `id=tr_${'a'.repeat(65)}`,
      'id=tr_abc%0d%0aX: y',
    ]) {
      const answer = await app.request('/webhooks/mollie', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(answer.status).toBe(400);
      expect(showsStack(answer.body)).toBe(false);
    }
  });
});
