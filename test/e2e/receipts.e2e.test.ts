/**
 * Receipts, the money history, the invoice PDF and the pay page's running total, in a browser:
 * a debtor chooses invoices and sees the total follow the boxes (no hydration warning), pays with
 * the demo provider, opens the receipt from the result page, downloads it as a PDF and finds it in
 * the history; without JavaScript "Bereken totaal" shows the server's total; every invoice offers
 * a PDF. On a phone and a desktop, in Dutch and English, each page passing axe.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ORG_SLUG } from '~db/seed';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;
let databaseUrl: string;

beforeAll(async () => {
  ({ browser, close } = await launch());
  const pid = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  databaseUrl = `postgres://postgres:voldaan@127.0.0.1:${Number(pid.split('\n')[3])}/voldaan`;
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await close?.();
});

/** A debtor of the demo creditor with two overdue invoices (EUR 121,00 and EUR 48,40) and one not yet due (EUR 30,25). */
async function debtorWithInvoices(label: string) {
  const tag = `${label}-${randomBytes(3).toString('hex')}`;
  const email = `receipt-${tag}@example.nl`;
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${DEMO_ORG_SLUG}`;
  const [debtor] = await sql<{ id: string }[]>`
    insert into debtors (organization_id, external_ref, kind, name, email, locale, address_line, postal_code, city)
    values (${org.id}, ${`E2E-${tag}`}, 'consumer', ${`Receipt Tester ${label}`}, ${email}, 'nl', 'Kerkstraat 12', '1017 GC', 'Amsterdam')
    returning id`;
  const invoices = await sql<{ id: string; number: string }[]>`
    insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, dunning_stage, next_action_at, payment_reference)
    values
      (${org.id}, ${debtor.id}, ${`R-${tag}-1`}, current_date - 40, current_date - 26, 12100, 12100, 1, now() + interval '2 days', '5000056789012345'),
      (${org.id}, ${debtor.id}, ${`R-${tag}-2`}, current_date - 30, current_date - 16, 4840, 4840, 1, now() + interval '5 days', null),
      (${org.id}, ${debtor.id}, ${`R-${tag}-3`}, current_date - 5, current_date + 9, 3025, 3025, 0, null, null)
    returning id, number`;
  return { email, debtorId: debtor.id, invoices };
}

async function linkFor(email: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/server/link-cli.ts', email], {
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, APP_URL: baseUrl },
  });
  const url = stdout.match(/https?:\/\/\S+\/l\/\S+/)?.[0];
  if (!url) throw new Error(`no link in: ${stdout}`);
  return url;
}

/** Console errors and uncaught page errors (React reports a hydration mismatch as #418/#423/#425). */
function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /hydrat/i.test(message.text())) errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const charge = (page: Page) => page.getByTestId('pay-summary-charge').textContent();

describe('the running total, a receipt and the money history', () => {
  it('follows the chosen boxes, pays, and keeps a receipt (page and PDF) that the history links to', async () => {
    const { email, invoices } = await debtorWithInvoices('paid');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay?choose=1`);
    // The two overdue invoices come ticked; the server rendered that total before any script ran.
    await expect.poll(() => charge(page)).toBe('€\u00a0169,40');
    await expect.poll(() => page.getByRole('button', { name: 'Bereken totaal' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: new RegExp(invoices[2].number) }).check();
    await expect.poll(() => charge(page)).toBe('€\u00a0199,65');
    await page.getByRole('checkbox', { name: new RegExp(invoices[0].number) }).uncheck();
    await expect.poll(() => charge(page)).toBe('€\u00a078,65');
    expect(await page.getByTestId('pay-summary-section').getAttribute('aria-live')).toBe('polite');
    await expectAccessible(page);
    await screenshot(page, 'pay-running-total-phone');

    await page.getByRole('button', { name: 'Betaal € 78,65' }).click();
    await page.waitForURL(/\/demo-checkout\/demo_/);
    await page.getByRole('button', { name: 'Betaling gelukt' }).click();
    await page.waitForURL(/\/portal\/pay\/return\?payment=/);
    await expect.poll(() => heading(page)).toBe('Dank u wel! Uw betaling is ontvangen');

    await page.getByRole('link', { name: 'Bekijk en bewaar uw ontvangstbewijs' }).click();
    await page.waitForURL(/\/portal\/receipts\//);
    await expect.poll(() => heading(page)).toBe('Ontvangstbewijs');
    const facts = await page.getByTestId('receipt-facts').textContent();
    expect(facts).toContain('Receipt Tester paid');
    expect(facts).toContain('€\u00a078,65');
    expect(await page.getByTestId('receipt-method').textContent()).toBe('iDEAL');
    expect(await page.getByTestId('receipt-invoices').textContent()).toContain(invoices[1].number);
    await expectAccessible(page);
    await screenshot(page, 'receipt-phone');

    const pdfHref = await page.getByRole('link', { name: 'Download ontvangstbewijs (PDF)' }).getAttribute('href');
    const pdf = await page.request.get(`${baseUrl}${pdfHref}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const receiptUrl = page.url();
    await page.getByRole('link', { name: 'Terug naar betalingen' }).click();
    await page.waitForURL(`${baseUrl}/portal/history`);
    await expect.poll(() => heading(page)).toBe('Betalingen en verrekeningen');
    const entry = page.getByTestId('money-history').getByRole('listitem').first();
    await expect.poll(() => entry.textContent()).toContain('Betaling');
    expect(await entry.textContent()).toContain('iDEAL');
    await entry.getByRole('link', { name: /^Ontvangstbewijs R-/ }).click();
    await page.waitForURL(receiptUrl);
    await page.goto(`${baseUrl}/portal/history`);
    await expectAccessible(page);
    await screenshot(page, 'history-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('without JavaScript: "Bereken totaal" shows the server’s total for the boxes ticked; an invoice without a sent PDF has one', async () => {
    const { email, invoices } = await debtorWithInvoices('nojs');
    // The app's scripts never arrive, so the page is what a browser without JavaScript gets (the
    // forms post as plain HTML); the browser itself keeps JavaScript, so axe can run in the page.
    const context = await newContext(browser, PHONE);
    await context.route(/\/build\/.*\.js(\?.*)?$/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay?choose=1`);
    await expect.poll(() => charge(page)).toBe('€\u00a0169,40');
    await page.getByRole('checkbox', { name: new RegExp(invoices[0].number) }).uncheck();
    await page.getByRole('checkbox', { name: new RegExp(invoices[2].number) }).check();
    await page.getByRole('button', { name: 'Bereken totaal' }).click();
    await page.waitForURL(/\/portal\/pay\?.*#pay-summary$/);
    await expect.poll(() => charge(page)).toBe('€\u00a078,65');
    // The boxes stay as they were ticked.
    expect(await page.getByRole('checkbox', { name: new RegExp(invoices[0].number) }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: new RegExp(invoices[2].number) }).isChecked()).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'pay-update-total-nojs-phone');

    // Every invoice has a PDF, also one the creditor never sent.
    await page.goto(`${baseUrl}/portal/invoices/${invoices[2].id}`);
    const href = await page.getByRole('link', { name: 'Download factuur (PDF)' }).getAttribute('href');
    const response = await page.request.get(`${baseUrl}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect(response.headers()['content-disposition']).toBe(`attachment; filename="${invoices[2].number}.pdf"`);
    await context.close();
  });

  it('in English at desktop width: the receipt and the history say it in English', async () => {
    const { email, invoices } = await debtorWithInvoices('en');
    // The creditor's own system says it was paid (the API's settle): a ledger entry like any other.
    const key = `vk_live_${randomBytes(32).toString('base64url')}`;
    await sql`insert into api_keys (organization_id, name, prefix, key_hash)
      select id, 'e2e receipts', ${key.slice(0, 12)}, ${createHash('sha256').update(key).digest('hex')}
      from organizations where slug = ${DEMO_ORG_SLUG}`;
    const settled = await fetch(`${baseUrl}/api/v1/invoices/${encodeURIComponent(invoices[1].number)}/settle`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ outcome: 'paid', reference: 'NL-E2E-REF' }),
    });
    expect(settled.status).toBe(201);
    const [payment] = await sql<{ id: string }[]>`
      select payment_id as id from payment_allocations where invoice_id = ${invoices[1].id}`;
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(await linkFor(email));
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => heading(page)).toMatch(/^Hello/);
    await page.goto(`${baseUrl}/portal/history`);
    await expect.poll(() => heading(page)).toBe('Payments and credits');
    const entry = page.getByTestId('money-history').getByRole('listitem').first();
    expect(await entry.textContent()).toContain('Payment');
    expect(await entry.textContent()).toContain('Directly to');
    expect(await entry.textContent()).not.toContain('external');
    await expectAccessible(page);
    await screenshot(page, 'history-desktop-en');
    await page.goto(`${baseUrl}/portal/receipts/${payment.id}`);
    await expect.poll(() => heading(page)).toBe('Receipt');
    expect(await page.getByTestId('receipt-method').textContent()).toMatch(/^Directly to /);
    expect(await page.getByTestId('receipt-facts').textContent()).toContain('NL-E2E-REF');
    await expectAccessible(page);
    await screenshot(page, 'receipt-desktop-en');
    await page.goto(`${baseUrl}/portal/pay?choose=1`);
    await expect.poll(() => charge(page)).toBe('€121.00');
    expect(errors).toEqual([]);
    await context.close();
  });
});
