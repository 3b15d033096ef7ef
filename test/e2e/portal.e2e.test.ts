import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;

/** The debtor link `npm start` printed. */
function demoLink() {
  const match = inject('startOutput').match(/Portal \(demo debtor [^)]*\):\s+(\S+)/);
  if (!match) throw new Error('no demo portal link in the start output');
  return match[1];
}

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

describe('debtor portal', () => {
  it('opens the printed demo link on a phone, drops the token from the address bar, and shows what is open', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    const response = await page.goto(demoLink());
    expect(page.url()).toBe(`${baseUrl}/portal`);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(response?.headers()['cache-control']).toBe('no-store');
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hallo Sanne de Vries');
    await expect.poll(() => page.getByTestId('total-outstanding').textContent()).toMatch(/€\s?[\d.]+,\d\d/);
    expect(await page.getByText('Wat gebeurt er nu?').count()).toBeGreaterThanOrEqual(3);
    await expectAccessible(page);
    await screenshot(page, 'portal-overview-phone');

    await page
      .getByRole('link', { name: /Details van factuur/ })
      .first()
      .click();
    await page.waitForURL(/\/portal\/invoices\//);
    await expect.poll(() => page.getByRole('heading', { name: 'Geschiedenis' }).count()).toBe(1);
    await expect.poll(() => page.getByRole('heading', { name: 'Factuurregels' }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'portal-invoice-phone');

    await page.getByRole('link', { name: 'Betaald', exact: true }).click();
    await page.waitForURL(`${baseUrl}/portal/history`);
    await expectAccessible(page);
    await context.close();
  });

  it('switches to English and remembers it, at desktop width', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    await page.goto(demoLink());
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello Sanne de Vries');
    expect(await page.getByText('What happens next?').count()).toBeGreaterThanOrEqual(3);
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello Sanne de Vries');
    await expectAccessible(page);
    await screenshot(page, 'portal-overview-desktop-en');
    await context.close();

    // The choice is the debtor's now: the link opened in a browser without a language cookie opens in English.
    const elsewhere = await newContext(browser, PHONE);
    const other = await elsewhere.newPage();
    await other.goto(demoLink());
    await expect.poll(() => other.getByRole('heading', { level: 1 }).textContent()).toBe('Hello Sanne de Vries');
    // Back to Dutch, as the other suites expect the demo debtor.
    await other.getByRole('button', { name: 'Nederlands' }).click();
    await expect.poll(() => other.getByRole('heading', { level: 1 }).textContent()).toBe('Hallo Sanne de Vries');
    await elsewhere.close();
  });

  it('lands a broken link on a friendly page that offers a new link, and says the same for any address', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    const broken = demoLink().slice(0, -12);
    await page.goto(broken);
    expect(page.url()).toMatch(/\/link-help\?reason=invalid$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Deze link werkt niet (meer)');
    await expectAccessible(page);
    await screenshot(page, 'link-help-phone');

    await page.getByLabel('E-mailadres').fill('onbekend@example.nl');
    await page.getByRole('button', { name: 'Stuur nieuwe link' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Als dit e-mailadres bij ons bekend is');
    await context.close();
  });

  it('works without JavaScript: the overview renders and the language switch posts a plain form', async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(demoLink());
    expect(page.url()).toBe(`${baseUrl}/portal`);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello Sanne de Vries');
    await page.getByRole('button', { name: 'Nederlands' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hallo Sanne de Vries');
    await context.close();
  });
});
