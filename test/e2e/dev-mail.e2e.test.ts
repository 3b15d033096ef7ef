import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ORG_SLUG } from '~db/seed';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;

beforeAll(async () => {
  ({ browser, close } = await launch());
  const pid = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  sql = postgres(`postgres://postgres:voldaan@127.0.0.1:${Number(pid.split('\n')[3])}/voldaan`, {
    max: 1,
    onnotice: () => {},
  });
});
afterAll(async () => {
  await sql?.end();
  await close?.();
});

/** A debtor of the demo creditor that no other suite touches (fresh-link requests are throttled per address). */
async function freshDebtor() {
  const tag = randomBytes(3).toString('hex');
  const email = `outbox-${tag}@example.nl`;
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${DEMO_ORG_SLUG}`;
  await sql`
    insert into debtors (organization_id, external_ref, kind, name, email, locale)
    values (${org.id}, ${`E2E-MAIL-${tag}`}, 'consumer', 'Olga Outbox', ${email}, 'nl')`;
  return email;
}

describe('/dev/mail: the local outbox', () => {
  it('shows an email the in-process worker sent, and its link opens the portal', async () => {
    const email = await freshDebtor();
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();

    // A debtor asks for a fresh link: the message is queued and the worker sends it to the outbox.
    await page.goto(`${baseUrl}/link-help`);
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByRole('button', { name: 'Stuur nieuwe link' }).click();
    await expect.poll(() => page.getByRole('status').count()).toBe(1);

    const row = page.getByRole('row').filter({ hasText: email }).filter({ hasText: 'fresh_link' });
    await expect
      .poll(
        async () => {
          await page.goto(`${baseUrl}/dev/mail`);
          return row.filter({ hasText: 'verzonden' }).count();
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Verzonden e-mail (ontwikkeling)');
    await expectAccessible(page);
    await screenshot(page, 'dev-mail-list');

    const href = await row.first().getByRole('link').getAttribute('href');
    expect(href).toMatch(/^\/dev\/mail\/[0-9a-f-]{36}$/);
    await page.goto(`${baseUrl}${href}`);
    await expect.poll(() => page.getByRole('heading', { name: 'Links in deze e-mail' }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'dev-mail-message');

    // The email is its own document with a policy that runs no script.
    const raw = await page.request.get(`${baseUrl}${href}/html`);
    expect(raw.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(raw.headers()['content-security-policy']).toContain("default-src 'none'");

    const [message] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Open de e-mail' }).click(),
    ]);
    await message.waitForLoadState();
    expect(message.url()).toMatch(/\/dev\/mail\/[0-9a-f-]{36}\/html$/);
    await message.setViewportSize(PHONE);
    await screenshot(message, 'dev-mail-email-phone');

    // The button in the email is a signed link (opening in a new tab, as mail clients do): it opens a portal session.
    const [portal] = await Promise.all([
      context.waitForEvent('page'),
      message.getByRole('link', { name: 'Open het portaal' }).click(),
    ]);
    await portal.waitForURL(`${baseUrl}/portal`);
    await expect.poll(() => portal.getByRole('heading', { level: 1 }).textContent()).toBe('Hallo Olga Outbox');
    await context.close();
  });
});
