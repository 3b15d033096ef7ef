/**
 * "Trek links in" as staff do it without JavaScript (a confirmation step first, "Annuleren" leaves
 * everything as it was), and what the debtor's open portal session sees next: the page for a
 * withdrawn link, with the fresh-link form, not the idle-timeout text. Works on a demo debtor
 * other than the one whose printed link the other suites open, with a link staff send here.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { DESKTOP, expectAccessible, launch, PHONE, screenshot, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;

/** The demo debtor whose link `npm start` printed: left alone here. */
function demoDebtorName() {
  const match = inject('startOutput').match(/Portal \(demo debtor ([^)]*)\)/);
  if (!match) throw new Error('no demo debtor in the start output');
  return match[1]!;
}

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

describe('revoking all portal links of a debtor', () => {
  it('asks first (without JavaScript), then sends the open session to "Deze link is ingetrokken"', async () => {
    const staffContext = await browser.newContext({
      viewport: DESKTOP,
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
      javaScriptEnabled: false,
    });
    const staff = await staffContext.newPage();
    const finance = demoStaffEmails.find((s) => s.role === 'finance')!;
    await signInAsStaff(staff, baseUrl, finance.email, DEMO_PASSWORD);

    await staff.goto(`${baseUrl}/app/debtors`);
    const other = staff.locator('a[href^="/app/debtors/"]').filter({ hasNotText: demoDebtorName() }).first();
    const debtorPath = await other.getAttribute('href');
    await staff.goto(`${baseUrl}${debtorPath}`);

    // A link for the debtor, opened on their phone.
    await staff.getByRole('button', { name: 'Stuur link' }).click();
    const url = await staff.locator('#fresh-link').inputValue();
    expect(url).toMatch(/\/l\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const debtorContext = await browser.newContext({
      viewport: PHONE,
      locale: 'nl-NL',
      timezoneId: 'Europe/Amsterdam',
    });
    const debtor = await debtorContext.newPage();
    await debtor.goto(url);
    expect(debtor.url()).toBe(`${baseUrl}/portal`);

    // "Trek links in" opens a confirmation step; "Annuleren" leaves the links alone.
    await staff.getByRole('link', { name: 'Trek links in' }).click();
    expect(staff.url()).toContain('?confirm=revoke');
    const confirm = staff.getByTestId('confirm-revoke-links');
    expect(await confirm.getByRole('heading').textContent()).toMatch(/^Alle links van .+ intrekken\?$/);
    // The same step with JavaScript on (axe runs in the page): accessible, and the keyboard lands on it.
    const withJs = await browser.newContext({ viewport: DESKTOP, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
    await withJs.addCookies(await staffContext.cookies());
    const staffJs = await withJs.newPage();
    await staffJs.goto(`${baseUrl}${debtorPath}`);
    await staffJs.getByRole('link', { name: 'Trek links in' }).click();
    await staffJs.waitForURL(/\?confirm=revoke/);
    await expect
      .poll(() => staffJs.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('confirm-revoke-links');
    await expectAccessible(staffJs);
    await screenshot(staffJs, 'backoffice-revoke-links-confirm');
    await withJs.close();
    await confirm.getByRole('link', { name: 'Annuleren' }).click();
    expect(staff.url()).toBe(`${baseUrl}${debtorPath}`);
    await debtor.reload();
    expect(debtor.url()).toBe(`${baseUrl}/portal`);

    await staff.getByRole('link', { name: 'Trek links in' }).click();
    await staff.getByRole('button', { name: 'Ja, trek alle links in' }).click();
    expect(await staff.getByRole('status').textContent()).toMatch(/ingetrokken/);

    await debtor.reload();
    expect(debtor.url()).toMatch(new RegExp(`^${baseUrl}/portal/signed-out\\?reason=revoked&o=[0-9a-f-]{36}$`));
    await expect.poll(() => debtor.getByRole('heading', { level: 1 }).textContent()).toBe('Deze link is ingetrokken');
    expect(await debtor.getByText('30 minuten').count()).toBe(0);
    expect(await debtor.getByRole('button', { name: 'Stuur nieuwe link' }).count()).toBe(1);
    await expectAccessible(debtor);
    await screenshot(debtor, 'portal-signed-out-revoked-phone');
    await staffContext.close();
    await debtorContext.close();
  });
});
