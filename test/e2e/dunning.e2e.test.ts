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
    // The demo's year already holds Sanne's earlier reminders (and those of other debtors): the
    // pass's own messages are known by the communication ids it prints.
    const idOf = (template: string) =>
      new RegExp(`Sanne de Vries: ${template} \\[\\w+\\][^\\n]*\\(communication ([0-9a-f-]{36})\\)`).exec(output)?.[1];
    const finalId = idOf('final_notice');
    const secondId = idOf('second_reminder');
    expect(output).toMatch(/Sanne de Vries: final_notice \[final\]/);
    expect(output).toMatch(/Sanne de Vries: second_reminder \[second\]/);
    expect([finalId, secondId]).toEqual([expect.any(String), expect.any(String)]);

    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const row = (id: string) => page.getByRole('row').filter({ has: page.locator(`a[href="/dev/mail/${id}"]`) });
    // The app's worker sends what the pass queued, one job after the other: wait for both.
    const sent = async (id: string) => {
      const found = row(id);
      return (await found.count()) === 1 && (await found.textContent())!.includes('verzonden') ? 1 : 0;
    };
    await expect
      .poll(
        async () => {
          await page.goto(`${baseUrl}/dev/mail`);
          return [await sent(finalId!), await sent(secondId!)];
        },
        { timeout: 30_000, interval: 500 },
      )
      .toEqual([1, 1]);
    expect(await row(finalId!).textContent()).toContain(DEMO_DEBTOR_EMAIL);
    await expectAccessible(page);
    await screenshot(page, 'dunning-mail-list');

    // The newest reminder: the final notice (the Dutch 14-day letter), with its costs and the safe term wording.
    await row(finalId!).getByRole('link').click();
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
