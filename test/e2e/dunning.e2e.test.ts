/**
 * The dunning engine in the demo: `npm run dunning -- --now <a later day>` runs a pass against the
 * running app's embedded database (found through DATA_DIR), the app's in-process worker sends the
 * reminders to the local outbox, and the link in the newest reminder opens the debtor's portal.
 */
import { spawn } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_DEBTOR_EMAIL } from '~db/seed';
import { addDays, amsterdamDate, systemClock } from '~/utils/clock';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

/** The CLI as a user runs it beside `npm start`: same DATA_DIR and APP_URL, no DATABASE_URL. */
function runPass(day: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, APP_URL: baseUrl, NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/modules/dunning/cli.ts', '--now', day], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`npm run dunning exited ${code}:\n${output}`)),
    );
  });
}

describe('dunning in the demo', () => {
  it('runs a pass as of a later date; the reminders reach /dev/mail and their link opens the portal', async () => {
    // Twelve days on, the demo debtor (overdue 9, 24 and 38 days today) is due a second reminder and a final notice.
    // The app seeded its demo data from the system clock's today (it runs as its own process), so
    // the pass's day counts from that same today; the CLI runs its pass at the sending hour of it.
    const day = addDays(amsterdamDate(systemClock.now()), 12);
    const output = await runPass(day);
    expect(output).toContain(`Dunning pass as of`);
    expect(output).toMatch(/messages queued: [1-9]\d*/);
    expect(output).toMatch(/Sanne de Vries: final_notice \[final\]/);
    expect(output).toMatch(/Sanne de Vries: second_reminder \[second\]/);

    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const rows = page.getByRole('row').filter({ hasText: DEMO_DEBTOR_EMAIL });
    // The app's worker sends what the pass queued, one job after the other: wait for both.
    const sent = async (template: string) =>
      rows.filter({ hasText: template }).filter({ hasText: 'verzonden' }).count();
    await expect
      .poll(
        async () => {
          await page.goto(`${baseUrl}/dev/mail`);
          return [await sent('final_notice'), await sent('second_reminder')];
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual([1, 1]);
    await expectAccessible(page);
    await screenshot(page, 'dunning-mail-list');

    // The newest reminder: the final notice (the Dutch 14-day letter), with its costs and the safe term wording.
    await rows.filter({ hasText: 'final_notice' }).getByRole('link').click();
    await page.waitForURL(/\/dev\/mail\/[0-9a-f-]{36}$/);
    const text = await page.locator('pre').textContent();
    expect(text).toContain('binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd');
    expect(text).toMatch(/Incassokosten als u niet binnen de termijn betaalt/);
    const [email] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Open de e-mail' }).click(),
    ]);
    await email.waitForLoadState();
    await email.setViewportSize(PHONE);
    await screenshot(email, 'dunning-final-notice-email');

    // The button in the email is a fresh signed link: it opens Sanne's portal.
    const [portal] = await Promise.all([
      context.waitForEvent('page'),
      email.getByRole('link', { name: 'Bekijk en betaal' }).click(),
    ]);
    await portal.waitForURL(`${baseUrl}/portal`);
    await expect.poll(() => portal.getByRole('heading', { level: 1 }).textContent()).toBe('Hallo Sanne de Vries');
    await expectAccessible(portal);
    await screenshot(portal, 'dunning-portal-from-reminder');
    await context.close();

    // The same pass again writes nothing twice.
    const again = await runPass(day);
    expect(again).toMatch(/messages queued: 0/);
  });
});
