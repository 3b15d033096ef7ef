import fs from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test/e2e/screenshots');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
/** The common laptop screen the sweep (sweep.e2e.test.ts) and the README's screenshots use. */
export const LAPTOP = { width: 1366, height: 900 };

/**
 * Debian's Chromium, headless, with the flags this machine's closed network needs. Playwright
 * gives every launch a fresh temporary --user-data-dir of its own and removes it on close.
 */
export async function launch(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: withoutFaketime(process.env),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  // Every context, however a test makes it (newContext here, browser.newContext with options of its
  // own, browser.newPage), reports the Content-Security-Policy violations of its pages.
  const newContextOf = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContextOf(options);
    await watchCsp(context);
    return context;
  };
  return {
    browser,
    close: () => browser.close(),
  };
}

/** What the pages of this test file's contexts were refused since the last look. */
const cspViolations: string[] = [];

/** Takes the recorded Content-Security-Policy violations (and forgets them). */
export function takeCspViolations(): string[] {
  return cspViolations.splice(0);
}

/**
 * Records a page's CSP violations two ways: Chromium's console message (also on pages that run no
 * script: javaScriptEnabled false, or a policy without script-src) and the page's own
 * securitypolicyviolation event, which names the directive and the element's source and line.
 */
async function watchCsp(context: BrowserContext) {
  context.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) {
      cspViolations.push(`console on ${message.location().url || message.page()?.url()}: ${message.text()}`);
    }
  });
  await context.exposeBinding('__voldaanCspViolation', ({ frame }, report: string) => {
    cspViolations.push(`event on ${frame.url()}: ${report}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __voldaanCspViolation: (report: string) => void }).__voldaanCspViolation;
      void report(
        `${event.effectiveDirective} refused ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber} (${event.sample})`,
      );
    });
  });
}

/**
 * Registered by importing this file, so every e2e test, whichever pages it opens, fails when one
 * of them was refused something by the policy: a style attribute, an inline script without nonce.
 */
afterEach(() => {
  expect(takeCspViolations(), 'Content-Security-Policy violations').toEqual([]);
});

/**
 * test/at-hours.sh moves the clock of every process with libfaketime (LD_PRELOAD). Chromium under
 * it is some twenty times slower (pages take seconds to load), so the browser keeps the real clock:
 * no page reads the browser's clock, and the app's cookies carry Max-Age, so the app's (moved) clock
 * is the one that decides.
 */
function withoutFaketime(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const rest: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith('FAKETIME')),
  );
  const preload = (env.LD_PRELOAD ?? '')
    .split(/[\s:]+/)
    .filter((lib) => lib && !lib.includes('faketime'))
    .join(':');
  if (preload) rest.LD_PRELOAD = preload;
  else delete rest.LD_PRELOAD;
  return rest;
}

export async function newContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
}

export async function screenshot(page: Page, name: string) {
  await fs.mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe-core in the page and fails on any WCAG 2.x A/AA violation, listing them. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary).toEqual([]);
}

/**
 * The WCAG 2.x A/AA rules plus the named best-practice rules (axe runs a rule named in `rules`
 * whatever the tags say), each violation as one line; `ran` names the extra rules axe did run, so a
 * caller can check that they were not silently skipped.
 */
export async function axeViolations(page: Page, extraRules: string[] = []) {
  const results = await new AxeBuilder({ page })
    .options({
      rules: Object.fromEntries(extraRules.map((rule) => [rule, { enabled: true }])),
      // Passing nodes are not read: one each is enough to know a rule ran, and much less to send back.
      resultTypes: ['violations'],
    })
    .withTags(WCAG_TAGS)
    // axe.run in the page itself: our pages have no frames, and the default (axe.finishRun) opens a
    // fresh page for every analysis.
    .setLegacyMode()
    .analyze();
  const seen = new Set(
    [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable].map((r) => r.id),
  );
  return {
    violations: results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    ),
    ran: extraRules.filter((rule) => seen.has(rule)),
  };
}

/** React's hydration complaints: production builds log minified errors #418, #423, #425; development ones say so. */
export const HYDRATION_ERROR = /Minified React error #(418|423|425)\b|Hydration|did not match/i;

/**
 * Starts recording what a page logs as an error (console.error, a warning about hydration) and what it
 * throws; `take()` hands over what was recorded since the last call, each line with the address it came from.
 */
export function recordErrors(page: Page) {
  let recorded: { text: string; url: string }[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' || (message.type() === 'warning' && HYDRATION_ERROR.test(text))) {
      recorded.push({ text, url: message.location().url || page.url() });
    }
  });
  page.on('pageerror', (error) => recorded.push({ text: `pageerror: ${error.message}`, url: page.url() }));
  return {
    take() {
      const out = recorded;
      recorded = [];
      return out;
    },
  };
}

export async function signInAsStaff(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel(/e-mailadres|email address/i).fill(email);
  await page.getByLabel(/wachtwoord|password/i).fill(password);
  await page.getByRole('button', { name: /inloggen|sign in/i }).click();
  await page.waitForURL(`${baseUrl}/app`);
}
