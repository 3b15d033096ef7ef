import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { DESKTOP, expectAccessible, launch, PHONE, screenshot, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
const fixtures = path.resolve('test/fixtures');
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

const staff = (role: 'admin' | 'finance' | 'support') => demoStaffEmails.find((s) => s.role === role)!;

/** A page with JavaScript off: every step here must work as plain HTML forms. */
async function pageWithoutJs(role: 'admin' | 'finance', viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({
    viewport,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    javaScriptEnabled: false,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-mailadres').fill(staff(role).email);
  await page.getByLabel('Wachtwoord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(`${baseUrl}/app`);
  return page;
}

const header = 'invoice_number;debtor_ref;debtor_name;debtor_email;debtor_kind;issue_date;due_date;amount;description';
const goodRow =
  'E2E-001;E2E-K1;Drukkerij Zeefdruk B.V.;info@zeefdruk.example;business;2026-05-01;2026-05-31;2.450,00;Drukwerk mei';
const csv = (amount: string) =>
  `${header}\n${goodRow}\nE2E-002;E2E-K2;Sanne Visser;sanne@example.nl;consumer;02-05-2026;16-05-2026;${amount};Reparatie\n`;

describe('invoice import in the back office', () => {
  it('finance uploads a CSV with a bad row, fixes it and imports, all without JavaScript', async () => {
    const page = await pageWithoutJs('finance');
    await page.getByRole('link', { name: 'Importeren' }).click();
    await page.waitForURL(`${baseUrl}/app/imports`);

    const csvForm = page.locator('form').filter({ has: page.getByLabel('Kies een CSV-bestand') });
    await page.getByLabel('Kies een CSV-bestand').setInputFiles({
      name: 'mei.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv('"1,234"')),
    });
    await csvForm.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
    const preview = page.getByTestId('csv-preview');
    await expect.poll(() => preview.getByRole('alert').first().textContent()).toContain('1 regel bevat fouten');
    const badRow = preview.locator('tr[data-row="3"]');
    expect(await badRow.textContent()).toContain('"1,234" is dubbelzinnig');
    expect(await preview.getByRole('button', { name: /Importeer/ }).count()).toBe(0);
    await screenshot(page, 'import-csv-errors');

    await page.getByLabel('Kies een CSV-bestand').setInputFiles({
      name: 'mei.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv('89,95')),
    });
    await csvForm.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
    await expect.poll(() => preview.getByRole('status').textContent()).toContain('2 facturen: 2 nieuw');
    await screenshot(page, 'import-csv-preview');
    await preview.getByRole('button', { name: 'Importeer 2 facturen' }).click();
    await expect.poll(() => page.getByTestId('import-done').textContent()).toContain('2 nieuw');
    expect(await page.getByRole('table').last().textContent()).toContain('mei.csv');
    await screenshot(page, 'import-csv-done');
    await page.context().close();
  });

  it('imports the Peppol BIS 3.0 fixture with its PDF, with JavaScript, on a phone', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    const page = await context.newPage();
    await signInAsStaff(page, baseUrl, staff('finance').email, DEMO_PASSWORD);
    await page.goto(`${baseUrl}/app/imports`);
    // axe needs JavaScript, so the accessibility checks of the import pages run here.
    await page.getByLabel('Kies een CSV-bestand').setInputFiles({
      name: 'fout.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv('"1.234"')),
    });
    await page
      .locator('form')
      .filter({ has: page.getByLabel('Kies een CSV-bestand') })
      .getByRole('button', { name: 'Voorbeeld bekijken' })
      .click();
    await expect.poll(() => page.getByTestId('csv-preview').textContent()).toContain('dubbelzinnig');
    await expectAccessible(page);
    await screenshot(page, 'import-csv-errors-phone');
    await page
      .getByLabel('Kies een UBL-bestand (XML)')
      .setInputFiles(path.join(fixtures, 'ubl/peppol-bis3-invoice.xml'));
    const ublForm = page.locator('form').filter({ has: page.getByLabel('Kies een UBL-bestand (XML)') });
    await ublForm.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
    const preview = page.getByTestId('ubl-preview');
    await expect.poll(() => preview.textContent()).toContain('Bakkerij Van Dijk B.V.');
    expect(await preview.textContent()).toContain('1.652,87');
    expect(await preview.textContent()).toContain('F2026-0142.pdf');
    await expectAccessible(page);
    await screenshot(page, 'import-ubl-preview-phone');
    await preview.getByRole('button', { name: 'Importeer factuur F2026-0142' }).click();
    await expect.poll(() => page.getByTestId('import-done').textContent()).toContain('1 nieuw');

    // A credit note is refused with a message next to the file field.
    await page
      .getByLabel('Kies een UBL-bestand (XML)')
      .setInputFiles(path.join(fixtures, 'ubl/peppol-bis3-creditnote.xml'));
    await ublForm.getByRole('button', { name: 'Voorbeeld bekijken' }).click();
    await expect.poll(() => page.locator('#ubl-errors').textContent()).toContain('creditnota');
    expect(await page.getByLabel('Kies een UBL-bestand (XML)').getAttribute('aria-invalid')).toBe('true');
    await context.close();
  });

  it('admin creates an API key, uses it, and revokes it after confirming, without JavaScript', async () => {
    const page = await pageWithoutJs('admin');
    await page.goto(`${baseUrl}/app/settings/api-keys`);
    await page.getByLabel('Naam', { exact: true }).fill('Boekhouding e2e');
    await page.getByRole('button', { name: 'Sleutel aanmaken' }).click();
    const key = await page.getByLabel('API-sleutel', { exact: true }).inputValue();
    expect(key).toMatch(/^vk_live_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'api-key-created');

    const call = () => fetch(`${baseUrl}/api/v1/payments?limit=5`, { headers: { Authorization: `Bearer ${key}` } });
    const ok = await call();
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    const invoice = await fetch(`${baseUrl}/api/v1/invoices/F2026-0142`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(await invoice.json()).toMatchObject({ totalCents: 165_287, pdf: { sizeBytes: expect.any(Number) } });

    await page.goto(`${baseUrl}/app/settings/api-keys`);
    await page.getByRole('link', { name: 'Sleutel Boekhouding e2e intrekken' }).click();
    await expect.poll(() => page.getByTestId('confirm-revoke').textContent()).toContain('Boekhouding e2e');
    await screenshot(page, 'api-key-confirm-revoke');
    await page.getByRole('button', { name: 'Ja, intrekken' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('is ingetrokken');
    expect((await call()).status).toBe(401);

    const spec = await fetch(`${baseUrl}/api/v1/openapi.json`);
    expect(((await spec.json()) as { servers: { url: string }[] }).servers[0].url).toBe(`${baseUrl}/api/v1`);
    await page.context().close();
  });

  it('has an accessible API keys page', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    const page = await context.newPage();
    await signInAsStaff(page, baseUrl, staff('admin').email, DEMO_PASSWORD);
    await page.goto(`${baseUrl}/app/settings/api-keys`);
    await page.getByRole('button', { name: 'Sleutel aanmaken' }).click();
    await expect.poll(() => page.locator('#key-name-error').textContent()).toContain('Geef de sleutel een naam');
    await expectAccessible(page);
    await screenshot(page, 'api-keys-phone');
    await context.close();
  });

  it('keeps support out of imports and API keys', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signInAsStaff(page, baseUrl, staff('support').email, DEMO_PASSWORD);
    expect(await page.getByRole('link', { name: 'Importeren' }).count()).toBe(0);
    expect((await page.goto(`${baseUrl}/app/imports`))?.status()).toBe(403);
    expect((await page.goto(`${baseUrl}/app/settings/api-keys`))?.status()).toBe(403);
    await context.close();
  });
});
