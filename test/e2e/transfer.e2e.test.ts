/**
 * The bank-transfer page in a real browser: with JavaScript the copy buttons put IBAN, amount and
 * reference on the clipboard and say "gekopieerd" in a live region, reachable by keyboard; the
 * "Ik heb het overgemaakt" form pauses dunning and the page (and /portal) then say until when.
 * Without JavaScript the values are plain text (no dead buttons) and the form works as a plain
 * POST. Each test uses a debtor of its own.
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
import { expectAccessible, launch, PHONE, screenshot } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;
let databaseUrl: string;

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

/** A debtor of the demo creditor with one overdue invoice that has a betalingskenmerk. */
async function debtorWithOverdue(label: string) {
  const tag = `${label}-${randomBytes(3).toString('hex')}`;
  const email = `transfer-${tag}@example.nl`;
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${DEMO_ORG_SLUG}`;
  const [debtor] = await sql<{ id: string }[]>`
    insert into debtors (organization_id, external_ref, kind, name, email, locale)
    values (${org.id}, ${`E2E-${tag}`}, 'consumer', ${`Transfer Tester ${label}`}, ${email}, 'nl') returning id`;
  const [invoice] = await sql<{ id: string; number: string }[]>`
    insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, dunning_stage, next_action_at, payment_reference)
    values (${org.id}, ${debtor.id}, ${`E2E-${tag}-1`}, current_date - 40, current_date - 26, 163273, 163273, 1,
      now() + interval '1 day', '5000056789012345')
    returning id, number`;
  return { email, debtorId: debtor.id, invoice: invoice! };
}

async function linkFor(email: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/server/link-cli.ts', email], {
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, APP_URL: baseUrl },
  });
  const url = stdout.match(/https?:\/\/\S+\/l\/\S+/)?.[0];
  if (!url) throw new Error(`no link in: ${stdout}`);
  return url;
}

async function pausesOf(invoiceId: string) {
  return sql<{ reason: string; until: Date | null }[]>`
    select reason, until from dunning_pauses
    where invoice_id = ${invoiceId} and lifted_at is null and (until is null or until > now())`;
}

const liveRegion = (page: Page) => page.locator('p[role="status"][aria-live="polite"]');

describe('the bank-transfer page', () => {
  it('copies IBAN, amount and reference with a button or the keyboard, and "Ik heb het overgemaakt" pauses dunning', async () => {
    const { email, invoice } = await debtorWithOverdue('copy');
    const context = await browser.newContext({ viewport: PHONE, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay/transfer?invoice=${invoice.id}`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Betalen per bankoverschrijving');
    expect(await page.getByText('Maak het bedrag over naar de rekening hieronder').textContent()).toContain(
      'Zodra de betaling op ons bankafschrift staat, koppelen we hem automatisch aan uw factuur.',
    );
    expect(await page.locator('.qr-code svg').count()).toBe(1);

    const ibanButton = page.getByRole('button', { name: 'Kopieer IBAN' });
    await ibanButton.click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('NL91ABNA0417164300');
    await expect.poll(() => liveRegion(page).textContent()).toBe('Gekopieerd: IBAN');
    expect(await page.getByRole('button', { name: 'Gekopieerd: IBAN' }).textContent()).toBe('Gekopieerd');

    // By keyboard: focus the amount's button and press Enter.
    const amountButton = page.getByRole('button', { name: `Kopieer bedrag van factuur ${invoice.number}` });
    await amountButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('1632,73');
    await page.getByRole('button', { name: `Kopieer betalingskenmerk van factuur ${invoice.number}` }).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('5000056789012345');
    await expect
      .poll(() => liveRegion(page).textContent())
      .toBe(`Gekopieerd: betalingskenmerk van factuur ${invoice.number}`);
    await expectAccessible(page);
    await screenshot(page, 'pay-transfer-copy-phone');

    // "Ik heb het overgemaakt": today by default, no amount.
    await page.getByRole('button', { name: 'Ik heb het overgemaakt' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'We wachten op uw overschrijving' }).count()).toBe(1);
    const text = await page.locator('#notice-status').textContent();
    expect(text).toMatch(
      /U heeft op .+ laten weten dat u €\s1\.632,73 heeft overgemaakt\. Tot en met .+ sturen we geen herinneringen/,
    );
    expect(await page.getByRole('button', { name: 'Ik heb het overgemaakt' }).count()).toBe(0);
    const pauses = await pausesOf(invoice.id);
    expect(pauses.map((p) => p.reason)).toEqual(['transfer_announced']);
    await expectAccessible(page);

    // The overview's "what happens next" names the reason and the end date.
    await page.goto(`${baseUrl}/portal`);
    await expect
      .poll(() => page.getByText('U heeft laten weten dat u het bedrag heeft overgemaakt.', { exact: false }).count())
      .toBeGreaterThan(0);
    await context.close();
  });

  it('works without JavaScript: plain text values, and the form refuses a future date, then takes a good one', async () => {
    const { email, invoice } = await debtorWithOverdue('plain');
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/pay/transfer?invoice=${invoice.id}`);
    expect(await page.getByTestId('transfer-iban').textContent()).toBe('NL91 ABNA 0417 1643 00');
    expect(await page.getByRole('button', { name: /^Kopieer/ }).count()).toBe(0);

    await page.getByLabel('Datum van de overschrijving').fill('2099-01-01');
    await page.getByLabel('Overgemaakt bedrag (niet verplicht)').fill('100');
    await page.getByRole('button', { name: 'Ik heb het overgemaakt' }).click();
    await expect
      .poll(() => page.locator('#transferredOn-error').textContent())
      .toContain('Die datum ligt in de toekomst');
    expect(await page.locator('#transferredOn').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#amount').inputValue()).toBe('100');
    expect(await pausesOf(invoice.id)).toEqual([]);

    // The field's max is the server's today in Amsterdam.
    const today = await page.locator('#transferredOn').getAttribute('max');
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel('Datum van de overschrijving').fill(today!);
    await page.getByRole('button', { name: 'Ik heb het overgemaakt' }).click();
    await expect
      .poll(() => page.locator('#notice-status').textContent())
      .toMatch(/laten weten dat u €\s100,00 heeft overgemaakt/);
    expect((await pausesOf(invoice.id)).map((p) => p.reason)).toEqual(['transfer_announced']);
    await context.close();
  });
});
