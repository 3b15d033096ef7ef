/**
 * The focused proof that pages hydrate cleanly: the server's HTML and the browser's first render
 * must be the same text, or React throws the page away (#418 text mismatch, #425 text content,
 * #423 root re-rendered on the client). Opens the dashboard and the back-office lists as staff
 * (Dutch and English) and the portal pages as the demo debtor, in Chromium with JavaScript, and
 * fails on any hydration error or warning in the console or as a page error. It reads only; the
 * demo data stays as the later suites expect it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { DESKTOP, launch, newContext, PHONE, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;

/** What React says when the server's HTML and the browser's render differ (minified and development builds). */
const HYDRATION = [
  /Minified React error #(418|423|425)\b/,
  /hydrat/i,
  /did not match/i,
  /Text content does not match/i,
  /server rendered HTML/i,
];

type Problem = { url: string; text: string };

/** Every console message and page error of the context, kept with the page's address. */
function watch(context: BrowserContext) {
  const seen: Problem[] = [];
  context.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      seen.push({ url: message.page()?.url() ?? '', text: message.text() });
    }
  });
  context.on('page', (page) => {
    page.on('pageerror', (error) => seen.push({ url: page.url(), text: `${error.name}: ${error.message}` }));
  });
  return {
    /** "address: first line of the message" for each hydration error or warning seen so far. */
    hydrationProblems: () =>
      seen
        .filter((p) => HYDRATION.some((pattern) => pattern.test(p.text)))
        .map((p) => `${p.url.replace(baseUrl, '')}: ${p.text.split('\n')[0]}`),
  };
}

/** Opens a page and waits until React has hydrated it (fibers on the body) and the network is quiet. */
async function visit(page: Page, path: string) {
  const response = await page.goto(path.startsWith('http') ? path : `${baseUrl}${path}`);
  expect(response?.status(), path).toBeLessThan(400);
  await page.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith('__reactFiber$')));
  await page.waitForLoadState('networkidle');
  // Recoverable hydration errors are reported after the commit; give them a moment to arrive.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 150)));
}

async function englishCookie(context: BrowserContext) {
  await context.addCookies([
    {
      name: 'vd_lang',
      value: encodeURIComponent(Buffer.from(JSON.stringify('en')).toString('base64')),
      url: baseUrl,
    },
  ]);
}

/** The debtor link `npm start` printed. */
function demoLink() {
  const match = inject('startOutput').match(/Portal \(demo debtor [^)]*\):\s+(\S+)/);
  if (!match) throw new Error('no demo portal link in the start output');
  return match[1]!;
}

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

const BACK_OFFICE = [
  '/app',
  '/app/debtors',
  '/app/invoices',
  '/app/disputes',
  '/app/plans',
  '/app/bank',
  '/app/bank/queue',
  '/app/settings',
];

describe('hydration', () => {
  it.each([
    ['nl', DESKTOP],
    ['en', PHONE],
  ] as const)('the dashboard and the back-office lists hydrate without a mismatch (%s)', async (locale, viewport) => {
    const context = await newContext(browser, viewport);
    if (locale === 'en') await englishCookie(context);
    const watcher = watch(context);
    const page = await context.newPage();
    const admin = demoStaffEmails.find((s) => s.role === 'admin')!;
    await signInAsStaff(page, baseUrl, admin.email, DEMO_PASSWORD);
    // The dashboard's charts are what broke: make sure their axis labels are on the page.
    await visit(page, '/app');
    expect(await page.locator('svg text').count()).toBeGreaterThan(0);
    for (const path of BACK_OFFICE.slice(1)) await visit(page, path);
    // A debtor's and an invoice's page, with their timelines (times of day, collapsed lines).
    await visit(page, '/app/debtors');
    await page.locator('a[href^="/app/debtors/"]').first().click();
    await page.waitForURL(/\/app\/debtors\/[0-9a-f-]{36}$/);
    await visit(page, page.url());
    await page.locator('a[href^="/app/invoices/"]').first().click();
    await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
    await visit(page, page.url());
    expect(watcher.hydrationProblems()).toEqual([]);
    await context.close();
  });

  it.each([
    ['nl', PHONE],
    ['en', DESKTOP],
  ] as const)('the portal pages of the demo debtor hydrate without a mismatch (%s)', async (locale, viewport) => {
    const context = await newContext(browser, viewport);
    if (locale === 'en') await englishCookie(context);
    const watcher = watch(context);
    const page = await context.newPage();
    await visit(page, demoLink());
    expect(page.url()).toBe(`${baseUrl}/portal`);
    const invoice = await page.locator('a[href^="/portal/invoices/"]').first().getAttribute('href');
    expect(invoice).toMatch(/^\/portal\/invoices\/[0-9a-f-]{36}$/);
    for (const path of [invoice!, '/portal/history', '/portal/pay', '/portal/disputes', '/portal/promise'])
      await visit(page, path);
    expect(watcher.hydrationProblems()).toEqual([]);
    await context.close();
  });

  it('the watch itself sees a mismatch (a page whose text differs in the browser)', async () => {
    const context = await newContext(browser, DESKTOP);
    const watcher = watch(context);
    const page = await context.newPage();
    // The signed-out page needs no session; change its heading before the scripts hydrate it.
    await page.route(`${baseUrl}/portal/signed-out`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(/<h1>([^<]+)<\/h1>/, '<h1>$1 (anders)</h1>');
      await route.fulfill({ response, body: html });
    });
    await page.goto(`${baseUrl}/portal/signed-out`);
    await page.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith('__reactFiber$')));
    await expect.poll(() => watcher.hydrationProblems().length).toBeGreaterThan(0);
    await context.close();
  });
});
