/**
 * Paying end to end with the demo provider (the app runs without Mollie or Stripe keys): the
 * debtor taps "Betalen", pays two overdue invoices on the DEMO hosted page, comes back to the
 * result; the database shows the invoices paid and their dunning ended. A failed payment, done
 * without JavaScript, leaves them unpaid and unpaused. Each test uses a debtor of its own so
 * the seeded demo debtor stays as the other suites expect it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ORG_SLUG } from '~db/seed';
import { expectAccessible, launch, newContext, PHONE, screenshot, SCREENSHOTS } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;
let databaseUrl: string;

/** The app's embedded PostgreSQL, found through its data directory (postmaster.pid holds the port). */
async function connect() {
  const pid = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  databaseUrl = `postgres://postgres:voldaan@127.0.0.1:${Number(pid.split('\n')[3])}/voldaan`;
  return postgres(databaseUrl, { max: 2, onnotice: () => {} });
}

beforeAll(async () => {
  ({ browser, close } = await launch());
  sql = await connect();
});
afterAll(async () => {
  await sql?.end();
  await close?.();
});

/** A debtor of the demo creditor with two invoices overdue (the first reminder sent, the next one planned). */
async function debtorWithTwoOverdue(label: string) {
  const tag = `${label}-${randomBytes(3).toString('hex')}`;
  const email = `pay-${tag}@example.nl`;
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${DEMO_ORG_SLUG}`;
  const [debtor] = await sql<{ id: string }[]>`
    insert into debtors (organization_id, external_ref, kind, name, email, locale)
    values (${org.id}, ${`E2E-${tag}`}, 'consumer', ${`Pay Tester ${label}`}, ${email}, 'nl') returning id`;
  const invoices = await sql<{ id: string; number: string; open_cents: string }[]>`
    insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, dunning_stage, next_action_at, payment_reference)
    values
      (${org.id}, ${debtor.id}, ${`E2E-${tag}-1`}, current_date - 40, current_date - 26, 12100, 12100, 1, now() + interval '2 days', '5000056789012345'),
      (${org.id}, ${debtor.id}, ${`E2E-${tag}-2`}, current_date - 30, current_date - 16, 4840, 4840, 1, now() + interval '5 days', null)
    returning id, number, open_cents`;
  return { email, debtorId: debtor.id, invoices };
}

/** A fresh portal link for the debtor, from the CLI a newcomer would use (`npm run link -- <email>`). */
async function linkFor(email: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/server/link-cli.ts', email], {
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, APP_URL: baseUrl },
  });
  const url = stdout.match(/https?:\/\/\S+\/l\/\S+/)?.[0];
  if (!url) throw new Error(`no link in: ${stdout}`);
  return url;
}

async function dunningState(invoiceIds: string[]) {
  return sql<
    {
      id: string;
      status: string;
      open_cents: string;
      next_action_at: Date | null;
      settled_at: Date | null;
      active_pauses: number;
    }[]
  >`
    select i.id, i.status, i.open_cents, i.next_action_at, i.settled_at,
      (select count(*)::int from dunning_pauses p
        where p.invoice_id = i.id and p.lifted_at is null and (p.until is null or p.until > now())) as active_pauses
    from invoices i where i.id = any(${invoiceIds}::uuid[]) order by i.number`;
}

async function heading(page: Page) {
  return page.getByRole('heading', { level: 1 }).textContent();
}

describe('paying from the portal with the demo provider', () => {
  it('pays two overdue invoices in two taps, returns to the result, and their dunning has ended', async () => {
    const { email, invoices } = await debtorWithTwoOverdue('paid');
    const ids = invoices.map((i) => i.id);
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    expect(page.url()).toBe(`${baseUrl}/portal`);

    // Tap 1: the overview's primary action.
    await page.getByRole('link', { name: 'Betalen', exact: true }).click();
    await page.waitForURL(`${baseUrl}/portal/pay`);
    await expect.poll(() => heading(page)).toBe('Betalen');
    await expect.poll(() => page.getByRole('radio', { name: /iDEAL/ }).isChecked()).toBe(true);
    await expectAccessible(page);
    // What the phone shows on arrival (the pay button stays in view at the bottom of the screen).
    await page.screenshot({ path: path.join(SCREENSHOTS, 'pay-phone.png') });

    // Tap 2: pay the preselected overdue total.
    await page.getByRole('button', { name: 'Betaal € 169,40' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    await expect.poll(() => page.getByRole('note').textContent()).toContain('DEMO');
    await expect.poll(() => page.getByTestId('demo-amount').textContent()).toMatch(/169,40/);
    const pauses = await dunningState(ids);
    expect(pauses.every((p) => p.active_pauses === 1 && p.status === 'open')).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'pay-demo-checkout-phone');

    await page.getByRole('button', { name: 'Betaling gelukt' }).click();
    await page.waitForURL(/\/portal\/pay\/return\?payment=/);
    await expect.poll(() => heading(page)).toBe('Dank u wel! Uw betaling is ontvangen');
    await expect.poll(() => page.getByTestId('result-invoice').count()).toBe(2);
    expect(await page.getByText('Er staat niets meer open.').count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'pay-result-paid-phone');

    const after = await dunningState(ids);
    for (const row of after) {
      expect(row).toMatchObject({ status: 'paid', open_cents: '0', next_action_at: null, active_pauses: 0 });
      expect(row.settled_at).toBeInstanceOf(Date);
    }
    const [payment] = await sql<{ status: string; provider: string; method: string; allocations: number }[]>`
      select p.status, p.provider, p.method, (select count(*)::int from payment_allocations a where a.payment_id = p.id) as allocations
      from payments p where p.intent @> ${sql.json([{ invoiceId: ids[0] }])}::jsonb`;
    // Paid "with iDEAL" on the demo's page: stored as iDEAL, the way Mollie reports the method.
    expect(payment).toEqual({ status: 'paid', provider: 'demo', method: 'ideal', allocations: 2 });
    // The confirmation email is written by a job the settlement enqueued (the app runs its worker).
    const mails = async () =>
      (
        await sql<{ count: number }[]>`
          select count(*)::int as count from communications where template = 'payment_received' and ${ids[0]}::uuid = any(invoice_ids)`
      )[0].count;
    await expect.poll(mails, { timeout: 15_000 }).toBe(1);

    // Back on the overview, nothing is open any more.
    await page.getByRole('link', { name: 'Naar het overzicht' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Alles is betaald' }).count()).toBe(1);
    await context.close();
  });

  it('without JavaScript: a failed payment leaves the invoices unpaid and unpaused; the pending page refreshes itself', async () => {
    const { email, invoices } = await debtorWithTwoOverdue('failed');
    const ids = invoices.map((i) => i.id);
    const before = await dunningState(ids);
    const context = await browser.newContext({
      viewport: PHONE,
      javaScriptEnabled: false,
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
    });
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay?choose=1`);
    await expect.poll(() => page.getByRole('checkbox').count()).toBe(2);
    await page.getByRole('radio', { name: /Creditcard/ }).check();
    await page.getByRole('button', { name: 'Verder naar betalen' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    const checkout = page.url();

    // Coming back before deciding: the return page says pending and reloads itself every 3 s.
    const [payment] = await sql<
      { id: string }[]
    >`select id from payments where intent @> ${sql.json([{ invoiceId: ids[0] }])}::jsonb`;
    await page.goto(`${baseUrl}/portal/pay/return?payment=${payment.id}&status=paid`);
    await expect.poll(() => heading(page)).toBe('We wachten op de bevestiging');
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('3');
    await screenshot(page, 'pay-result-pending-phone');

    await page.goto(checkout);
    await page.getByRole('button', { name: 'Betaling mislukt' }).click();
    await page.waitForURL(/\/portal\/pay\/return\?payment=/);
    await expect.poll(() => heading(page)).toBe('De betaling is niet gelukt');
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    await screenshot(page, 'pay-result-failed-phone');

    const after = await dunningState(ids);
    for (const [i, row] of after.entries()) {
      expect(row).toMatchObject({
        status: 'open',
        open_cents: before[i].open_cents,
        active_pauses: 0,
        settled_at: null,
      });
      // Dunning goes on where it was: the next reminder is still planned.
      expect(row.next_action_at).toBeInstanceOf(Date);
    }
    const [paid] = await sql<
      { count: number }[]
    >`select count(*)::int as count from payment_allocations where invoice_id = any(${ids}::uuid[])`;
    expect(paid.count).toBe(0);
    await context.close();
  });

  it('one invoice: typing an amount chooses "Een deel", the summary shows what is charged, and that is charged', async () => {
    const { email, invoices } = await debtorWithTwoOverdue('part');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay?invoice=${invoices[0].id}`);
    const full = page.getByRole('radio', { name: 'Het hele bedrag' });
    const part = page.getByRole('radio', { name: 'Een deel' });
    await expect.poll(() => full.isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('pay-summary-charge').textContent()).toBe('€\u00a0121,00');

    // The walk's defect: "Het hele bedrag" marked, 50 typed. Now typing marks "Een deel".
    await page.getByLabel('Bedrag in euro').fill('50');
    await expect.poll(() => part.isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('pay-summary-charge').textContent()).toBe('€\u00a050,00');
    expect(await page.getByRole('button', { name: 'Betaal € 50,00' }).count()).toBe(1);
    // Back to the whole amount: the typed part no longer counts.
    await full.check();
    await expect.poll(() => page.getByLabel('Bedrag in euro').inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('pay-summary-charge').textContent()).toBe('€\u00a0121,00');
    await page.getByLabel('Bedrag in euro').fill('50,00');
    await expectAccessible(page);
    await screenshot(page, 'pay-part-summary-phone');

    await page.getByRole('button', { name: 'Betaal € 50,00' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    await expect.poll(() => page.getByTestId('demo-amount').textContent()).toMatch(/50,00/);
    const [payment] = await sql<{ amount_cents: string }[]>`
      select amount_cents from payments where intent @> ${sql.json([{ invoiceId: invoices[0].id }])}::jsonb`;
    expect(payment.amount_cents).toBe('5000');
    await context.close();
  });

  it('a failed payment can be tried again at once: "Opnieuw proberen" opens a fresh checkout', async () => {
    const { email, invoices } = await debtorWithTwoOverdue('retry');
    const ids = invoices.map((i) => i.id);
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay`);
    await page.getByRole('button', { name: 'Betaal € 169,40' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    const first = page.url();
    await page.getByRole('button', { name: 'Annuleren' }).click();
    await page.waitForURL(/\/portal\/pay\/return\?payment=/);
    await expect.poll(() => heading(page)).toBe('De betaling is geannuleerd');

    await page.getByRole('link', { name: 'Opnieuw proberen' }).click();
    await page.waitForURL(`${baseUrl}/portal/pay`);
    await page.getByRole('button', { name: 'Betaal € 169,40' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    expect(page.url()).not.toBe(first);
    expect(await page.getByText('De betaalprovider is nu niet bereikbaar').count()).toBe(0);
    const rows = await sql<{ status: string }[]>`
      select status from payments where intent @> ${sql.json([{ invoiceId: ids[0] }])}::jsonb order by created_at`;
    expect(rows.map((r) => r.status)).toEqual(['canceled', 'open']);
    await context.close();
  });

  it('debtor credit: the pay page says it is set off first, and the checkout asks only the rest', async () => {
    const { email, debtorId, invoices } = await debtorWithTwoOverdue('credit');
    await sql`update debtors set credit_cents = 2000 where id = ${debtorId}`;
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay`);
    await expect
      .poll(() => page.getByTestId('pay-credit').textContent())
      .toBe('U heeft nog €\u00a020,00 tegoed; dat verrekenen we eerst.');
    await expect.poll(() => page.getByTestId('pay-summary-charge').textContent()).toBe('€\u00a0149,40');
    await expectAccessible(page);
    await screenshot(page, 'pay-credit-phone');
    await page.getByRole('button', { name: 'Betaal € 149,40' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    await expect.poll(() => page.getByTestId('demo-amount').textContent()).toMatch(/149,40/);
    await page.getByRole('button', { name: 'Betaling gelukt' }).click();
    await page.waitForURL(/\/portal\/pay\/return\?payment=/);
    await expect.poll(() => heading(page)).toBe('Dank u wel! Uw betaling is ontvangen');
    expect(await page.getByText('Daarnaast hebben we € 20,00 van uw tegoed verrekend.').count()).toBe(1);
    const rows = await sql<{ provider: string; status: string; amount_cents: string }[]>`
      select provider, status, amount_cents from payments where debtor_id = ${debtorId} order by provider::text`;
    expect(rows).toEqual([
      { provider: 'debtor_credit', status: 'paid', amount_cents: '2000' },
      { provider: 'demo', status: 'paid', amount_cents: '14940' },
    ]);
    const state = await dunningState(invoices.map((i) => i.id));
    expect(state.map((r) => r.status)).toEqual(['paid', 'paid']);
    await context.close();
  });

  it('bank transfer: IBAN, beneficiary, amount, reference and an EPC QR code to scan', async () => {
    const { email } = await debtorWithTwoOverdue('transfer');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page
      .getByRole('link', { name: /^Betaal deze factuur: E2E-transfer-/ })
      .first()
      .click();
    await page.waitForURL(/\/portal\/pay\?invoice=/);
    await page.getByRole('radio', { name: /Bankoverschrijving/ }).check();
    await page.getByRole('button', { name: /Betaal|Verder/ }).click();
    await page.waitForURL(/\/portal\/pay\/transfer\?/);
    await expect.poll(() => heading(page)).toBe('Betalen per bankoverschrijving');
    expect(await page.getByTestId('transfer-iban').textContent()).toBe('NL91 ABNA 0417 1643 00');
    expect(await page.getByTestId('transfer-reference').first().textContent()).toBe('5000056789012345');
    expect(await page.locator('.qr-code svg').count()).toBe(1);
    expect(await page.getByRole('img', { name: /QR-code voor uw bank-app: € 121,00/ }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'pay-transfer-qr-phone');
    await context.close();
  });
});
