/**
 * The Content-Security-Policy in the browser: the watcher in browser.ts (which fails every e2e test
 * whose pages were refused something) does see a refused style attribute and script, and a
 * creditor's own brand colour reaches the portal and the branding settings through the nonce'd
 * <style>, also when React renders that element after a client-side navigation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { DESKTOP, launch, newContext, PHONE, screenshot, signInAsStaff, takeCspViolations } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;

const BRAND = '#7a1fa2';
const BRAND_RGB = 'rgb(122, 31, 162)';
const DEFAULT_BRAND = '#0b5d4b';

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

function demoLink() {
  const match = inject('startOutput').match(/Portal \(demo debtor [^)]*\):\s+(\S+)/);
  if (!match) throw new Error('no demo portal link in the start output');
  return match[1];
}

async function saveBrandColor(page: Page, color: string) {
  await page.goto(`${baseUrl}/app/settings/branding`);
  await page.getByLabel('Huiskleur').fill(color);
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await page.waitForURL(/saved=1/);
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'Opgeslagen.' }).count()).toBe(1);
}

const computed = (page: Page, selector: string, property: 'backgroundColor' | 'borderTopColor') =>
  page
    .locator(selector)
    .first()
    .evaluate((el, p) => getComputedStyle(el)[p], property);

describe('the browser enforces the policy, and the watcher sees it', () => {
  it('records a style attribute and a script without nonce that a page was refused', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    const applied = await page.evaluate(() => {
      const holder = document.createElement('div');
      holder.innerHTML = '<span id="styled" style="color: rgb(255, 0, 0)">x</span>';
      document.body.append(holder);
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.injected = "ran"';
      document.body.append(script);
      return {
        color: getComputedStyle(document.getElementById('styled')!).color,
        ran: document.body.dataset.injected ?? null,
      };
    });
    expect(applied.color).not.toBe('rgb(255, 0, 0)');
    expect(applied.ran).toBeNull();
    // Taken here, so the check after each test (browser.ts) finds nothing left.
    const seen: string[] = [];
    const reported = () => {
      seen.push(...takeCspViolations());
      return [
        'event .* style-src-attr',
        'event .* script-src-elem',
        'console .* inline style',
        'console .* inline script',
      ].filter((pattern) => !seen.some((line) => new RegExp(pattern).test(line)));
    };
    await expect.poll(reported, { timeout: 5_000 }).toEqual([]);
    await context.close();
    takeCspViolations();
  });
});

describe("the creditor's brand colour under the policy", () => {
  it('shows in the branding settings, also after a client-side navigation, and in the portal', async () => {
    const admin = demoStaffEmails.find((s) => s.role === 'admin')!;
    const staffContext = await newContext(browser, DESKTOP);
    const staff = await staffContext.newPage();
    await signInAsStaff(staff, baseUrl, admin.email, DEMO_PASSWORD);
    try {
      await saveBrandColor(staff, BRAND);
      expect(await computed(staff, '.bo-swatch.large', 'backgroundColor')).toBe(BRAND_RGB);
      expect(await computed(staff, '.bo-brand-button', 'backgroundColor')).toBe(BRAND_RGB);
      await screenshot(staff, 'csp-branding-settings-colour');

      // From the overview, the branding page is rendered by React in the browser: its <style> is new.
      await staff.goto(`${baseUrl}/app/settings`);
      expect(await computed(staff, '.bo-swatch.org-brand', 'backgroundColor')).toBe(BRAND_RGB);
      await staff.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
      await staff
        .getByRole('navigation', { name: /instellingen/i })
        .getByRole('link', { name: 'Huisstijl' })
        .click();
      await staff.waitForURL(`${baseUrl}/app/settings/branding`);
      await expect.poll(() => staff.locator('.bo-swatch.large').count()).toBe(1);
      expect(await staff.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
      expect(await computed(staff, '.bo-swatch.large', 'backgroundColor')).toBe(BRAND_RGB);

      const debtorContext = await newContext(browser, PHONE);
      const debtor = await debtorContext.newPage();
      await debtor.goto(demoLink());
      await debtor.waitForURL(`${baseUrl}/portal`);
      expect(await computed(debtor, '.portal-header', 'borderTopColor')).toBe(BRAND_RGB);
      await screenshot(debtor, 'csp-portal-brand-colour-phone');
      await debtorContext.close();
    } finally {
      await saveBrandColor(staff, DEFAULT_BRAND);
      await staffContext.close();
    }
  });
});
