/**
 * /portal/pay/transfer?amount=… (issue 12, "also observed"): the amount in the query string is the
 * debtor's wish, never trusted. The QR code carries an amount only when the checkout's own rule
 * (whole amount, or a part of at least the creditor's minimum, never above what is owed) allows
 * it; anything else is refused with a clear message and no QR code, and never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Debtor, Invoice } from '~db/schema';
import { debtorWithOverdue } from '~test/factories-payments';
import { portalCookie, startHeldApp } from './held-world';
import { MODES, showsStack, type RunningApp } from './harness';

const QR = 'class="qr-code"';

describe.each(MODES)('the bank-transfer page in %s mode', (mode) => {
  let app: RunningApp;
  let debtor: Debtor;
  let invoice: Invoice;
  let cookie: string;
  beforeAll(async () => {
    app = await startHeldApp(mode);
    // One invoice of EUR 50.00; the creditor's minimum part payment is the default EUR 10.00.
    const setup = await debtorWithOverdue([5_000]);
    debtor = setup.debtor;
    invoice = setup.invoices[0];
    cookie = await portalCookie(app, debtor);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const page = (amount: string) =>
    app.request(`/portal/pay/transfer?invoice=${invoice.id}&amount=${amount}`, { headers: { cookie } });

  it('shows a QR code for the whole amount and for an allowed part', async () => {
    for (const [amount, shown] of [
      ['5000', '€ 50,00'],
      ['1000', '€ 10,00'],
      ['2500', '€ 25,00'],
    ]) {
      const answer = await page(amount);
      expect(answer.status).toBe(200);
      expect(answer.body).toContain(QR);
      // formatMoney puts a no-break space after the euro sign.
      expect(answer.body.replace(/\u00a0/g, ' ')).toContain(shown);
    }
  });

  it.each([
    ['1', '1', 'te laag'],
    ['999', '999', 'te laag'],
    ['0', '0', 'te laag'],
    ['5001', '5001', 'hoger dan wat er nog openstaat'],
    ['1000000000', '1000000000', 'hoger dan wat er nog openstaat'],
    ['-5', '-5', 'Vul een bedrag in'],
    ['1e9', '1e9', 'Vul een bedrag in'],
    ['abc', 'abc', 'Vul een bedrag in'],
    ['1000%0D%0ASet-Cookie:%20x=1', '1000%0D%0ASet-Cookie:%20x=1', 'Vul een bedrag in'],
    ['%0D%0A', '%0D%0A', 'Vul een bedrag in'],
    ['%E0%A4%A', '%E0%A4%A', 'Vul een bedrag in'],
    ['9 × 2000', '9'.repeat(2_000), 'Vul een bedrag in'],
  ])('amount=%s: no QR code, a message saying why, never a 500', async (_label, amount, message) => {
    const answer = await page(amount);
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain(QR);
    expect(answer.body).toContain('role="alert"');
    expect(answer.body).toContain(message);
    expect(showsStack(answer.body)).toBe(false);
    expect(answer.headers['set-cookie']?.some((c) => c.startsWith('x=')) ?? false).toBe(false);
  });
});
