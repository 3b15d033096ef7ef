/**
 * The back office in a browser: the login (the start output, each demo role, a phone, a wrong
 * password), the dashboard (desktop and phone), a debtor page with its timeline and actions, an
 * invoice page, every settings page and who may open them, each checked with axe.
 *
 * Each test stands on its own (they pass in any order: `--sequence.shuffle`): it starts from the
 * demo data the app starts with and checks only what it did itself. The demo data stays as the
 * later suites expect it (one of Sanne de Vries' invoices left on hold, as before).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;

const staff = (role: 'admin' | 'finance' | 'support') => demoStaffEmails.find((s) => s.role === role)!;

async function signedIn(role: 'admin' | 'finance' | 'support', viewport = DESKTOP): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  await signInAsStaff(page, baseUrl, staff(role).email, DEMO_PASSWORD);
  return page;
}

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

describe('login', () => {
  it('prints the back-office login and demo credentials at start', () => {
    const output = inject('startOutput');
    expect(output).toContain(`${baseUrl}/login`);
    for (const staff of demoStaffEmails) expect(output).toContain(staff.email);
  });

  it('answers /healthz with the database up', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
  });

  it('signs in as each demo role and shows who is signed in', async () => {
    for (const staff of demoStaffEmails) {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signInAsStaff(page, baseUrl, staff.email, DEMO_PASSWORD);
      await expect.poll(() => page.getByTestId('signed-in-as').textContent()).toContain(staff.name);
      if (staff.role === 'admin') await screenshot(page, 'backoffice-signed-in-desktop');
      await context.close();
    }
  });

  it('shows a login page that is accessible and usable on a phone, and refuses a wrong password', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await expectAccessible(page);
    await page.getByLabel('E-mailadres').fill(demoStaffEmails[0].email);
    await page.getByLabel('Wachtwoord').fill('wrong password');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('combinatie van e-mailadres en wachtwoord');
    await screenshot(page, 'backoffice-login-phone-error');
    await context.close();
  });
});

describe('back-office dashboard', () => {
  it('shows totals, the ageing chart with its table, DSO and the queues, accessibly', async () => {
    const page = await signedIn('finance');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Overzicht');
    await expect.poll(() => page.getByTestId('kpi-outstanding').textContent()).toMatch(/€\s?[\d.]+,\d\d/);
    await expect.poll(() => page.getByTestId('kpi-dso').textContent()).toMatch(/\d+,\d dagen/);

    const ageing = page.locator('figure').filter({ has: page.getByTestId('ageing-table') });
    await expect
      .poll(() => ageing.getByRole('img').getAttribute('aria-label'))
      .toMatch(/^Staafdiagram ouderdom.*Nog niet vervallen: €/);
    expect(await page.getByTestId('ageing-table').locator('tbody tr').count()).toBe(5);
    // The rows add up to the total shown above.
    const total = await page.getByTestId('ageing-table').locator('tfoot td').nth(1).textContent();
    expect(await page.getByTestId('kpi-outstanding').locator('.value').textContent()).toBe(total);
    expect(await page.locator('figure svg[role="img"]').count()).toBe(3);
    expect(await page.getByRole('link', { name: /Regelingen wachten op besluit/ }).getAttribute('href')).toBe(
      '/app/plans',
    );
    expect(await page.getByRole('link', { name: /Bezwaren en vragen wachten op support/ }).getAttribute('href')).toBe(
      '/app/disputes',
    );

    // The tables behind the charts open without JavaScript (a <details> element).
    await page.getByText('Toon als tabel').first().click();
    await expect.poll(() => page.getByTestId('dso-table').locator('tbody tr').count()).toBe(12);
    await expectAccessible(page);
    await page.context().close();
  });

  it('works on a phone: the navigation wraps and nothing scrolls sideways', async () => {
    const page = await signedIn('admin', PHONE);
    await expect.poll(() => page.getByTestId('kpi-overdue').isVisible()).toBe(true);
    for (const name of ['Overzicht', 'Debiteuren', 'Facturen', 'Instellingen']) {
      expect(
        await page.getByRole('navigation', { name: 'Voldaan' }).getByRole('link', { name, exact: true }).isVisible(),
      ).toBe(true);
    }
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await screenshot(page, 'backoffice-dashboard-phone');
    await page.context().close();
  });
});

describe('debtors and invoices', () => {
  it('finds a debtor, puts them on hold and sends a fresh link, the timeline says so, and the dashboard counts the hold', async () => {
    const page = await signedIn('finance');
    await page.getByRole('navigation', { name: 'Voldaan' }).getByRole('link', { name: 'Debiteuren' }).click();
    await page.waitForURL(`${baseUrl}/app/debtors`);
    await page.getByLabel('Zoek op naam, e-mail of debiteurnummer').fill('sanne');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.waitForURL(/q=sanne/);
    await expect.poll(() => page.getByTestId('debtor-table').locator('tbody tr').count()).toBe(1);
    await page.waitForLoadState('networkidle');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Sanne de Vries' }).click();
    await page.waitForURL(/\/app\/debtors\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sanne de Vries');
    expect(await page.getByTestId('debtor-invoices').locator('tbody tr').count()).toBe(4);

    await page.getByLabel('Notitie (niet verplicht)').fill('Belt vrijdag terug');
    await page.getByRole('button', { name: 'Zet stil' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Herinneringen stilgezet voor 4 facturen/);
    await expect
      .poll(() => page.getByTestId('timeline').textContent())
      .toContain('Herinneringen handmatig stilgezet voor 4 facturen — Belt vrijdag terug');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain(staff('finance').name);

    await page.getByRole('button', { name: 'Stuur link' }).click();
    await expect.poll(() => page.getByTestId('link-sent').isVisible()).toBe(true);
    expect(await page.getByLabel(/^Link \(geldig tot/).inputValue()).toMatch(new RegExp(`^${baseUrl}/l/`));
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Nieuwe portaallink gestuurd');
    await expect.poll(() => page.getByTestId('debtor-communications').textContent()).toContain('Nieuwe portaallink');
    await expectAccessible(page);
    await screenshot(page, 'backoffice-debtor');

    await page.getByRole('button', { name: 'Hef stilzetting op' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Stilzetting opgeheven voor 4 facturen/);

    await page.getByTestId('debtor-invoices').getByRole('link').first().click();
    await page.waitForURL(/\/app\/invoices\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Factuur VK-/);
    await expect
      .poll(() => page.getByTestId('timeline').textContent())
      .toContain('Herinneringen gepauzeerd: Handmatig stilgezet');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('Herinneringen hervat');
    // Hold this one invoice again, from its own page; the dashboard shows it below.
    await page.getByLabel('Notitie (niet verplicht)').fill('Wacht op creditnota');
    await page.getByRole('button', { name: 'Zet herinneringen stil' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Herinneringen stilgezet voor 1 factuur\./);
    await expectAccessible(page);
    await screenshot(page, 'backoffice-invoice');
    await page.context().close();

    // The admin's dashboard counts the invoice put on hold (the only manual hold in the demo data),
    // beside the demo's plan, promise and dispute.
    const admin = await signedIn('admin');
    await expect
      .poll(() => admin.getByTestId('paused-table').locator('tbody tr').allTextContents())
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Handmatig stilgezet1€/),
          expect.stringMatching(/^Betalingsregeling2€/),
          expect.stringMatching(/^Betaalbelofte1€/),
          expect.stringMatching(/^Bezwaar1€/),
        ]),
      );
    expect(
      (await admin.getByTestId('paused-table').locator('tbody tr').allTextContents()).filter((r) =>
        r.startsWith('Handmatig'),
      ),
    ).toHaveLength(1);
    await expectAccessible(admin);
    await screenshot(admin, 'backoffice-dashboard');
    await admin.context().close();
  });

  it('filters invoices by status and stage', async () => {
    const page = await signedIn('support');
    await page.goto(`${baseUrl}/app/invoices?status=overdue`);
    await expect.poll(() => page.getByTestId('invoice-table').locator('tbody tr').count()).toBeGreaterThan(0);
    const badges = await page.getByTestId('invoice-table').locator('tbody tr .badge').allTextContents();
    expect(badges.every((b) => /te laat|stilgezet|Betaalbelofte|Bezwaar|Betalingsregeling|onderweg/.test(b))).toBe(
      true,
    );
    await expectAccessible(page);
    // Support reads but does not act.
    await page.getByTestId('invoice-table').getByRole('link').nth(1).click();
    await page.waitForURL(/\/app\/debtors\//);
    await expect
      .poll(() => page.getByText('Alleen financiën en beheerders kunnen hier acties uitvoeren.').isVisible())
      .toBe(true);
    await page.context().close();
  });
});

describe('settings', () => {
  it('shows every settings page to an admin, accessibly, and keeps errors next to their fields', async () => {
    const page = await signedIn('admin');
    const pages: [string, string][] = [
      ['/app/settings', 'Organisatie'],
      ['/app/settings/branding', 'Huisstijl'],
      ['/app/settings/dunning', 'Aanmaanbeleid'],
      ['/app/settings/plans', 'Regelingen en beloftes'],
      ['/app/settings/disputes', 'Bezwaren en portaal'],
      ['/app/settings/payments', 'Betaalprovider'],
      ['/app/settings/team', 'Team'],
    ];
    for (const [path, heading] of pages) {
      const response = await page.goto(`${baseUrl}${path}`);
      expect([path, response?.status()]).toEqual([path, 200]);
      await expect.poll(() => page.getByRole('heading', { level: 2, name: heading }).count()).toBe(1);
      await expectAccessible(page);
    }

    await page.goto(`${baseUrl}/app/settings/dunning`);
    await screenshot(page, 'backoffice-settings-dunning');
    await page.getByLabel('Dagen na vervaldatum, stap 2').first().fill('7');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Niet alles is goed ingevuld');
    const invalid = page.locator('input[aria-invalid="true"]');
    await expect.poll(() => invalid.count()).toBeGreaterThan(0);
    const describedBy = await invalid.first().getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toBe('Er is al een stap op deze dag.');
    await expectAccessible(page);

    await page.goto(`${baseUrl}/app/settings/branding`);
    await page.getByLabel('Huiskleur').fill('#ffcc00');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.waitForURL(/saved=1/);
    await expect.poll(() => page.getByTestId('contrast-warning').isVisible()).toBe(true);
    await page.getByLabel('Huiskleur').fill('#0b5d4b');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await expect.poll(() => page.getByTestId('contrast-warning').count()).toBe(0);
    await screenshot(page, 'backoffice-settings-branding');

    await page.goto(`${baseUrl}/app/settings/team`);
    await page.getByLabel('E-mailadres').fill(`nieuwe.collega.${randomBytes(3).toString('hex')}@veldkamp.example`);
    await page.getByLabel('Rol', { exact: true }).selectOption('support');
    await page.getByRole('button', { name: 'Verstuur uitnodiging' }).click();
    await expect.poll(() => page.getByTestId('invitation-link').isVisible()).toBe(true);
    expect(await page.getByTestId('invitation-link').textContent()).toContain('Uitnodiging per e-mail verstuurd naar');
    // The pending invitation says how its email fares (queued, or already sent by the worker).
    await expect.poll(() => page.getByTestId('invitation-mail').first().textContent()).toMatch(/^E-mail /);
    const link = await page.getByLabel(/^Uitnodigingslink/).inputValue();
    expect(link).toMatch(new RegExp(`^${baseUrl}/invite/[\\w-]{43}$`));
    await expectAccessible(page);
    await screenshot(page, 'backoffice-settings-team');

    // The invitation, opened by the new colleague in a fresh browser, creates the account.
    const context = await newContext(browser, PHONE);
    const newcomer = await context.newPage();
    await newcomer.goto(link);
    await expect.poll(() => newcomer.getByRole('heading', { level: 1 }).textContent()).toBe('Maak uw account aan');
    await expectAccessible(newcomer);
    await newcomer.getByLabel('Uw naam').fill('Nieuwe Collega');
    await newcomer.getByLabel('Kies een wachtwoord').fill('een lang genoeg wachtwoord');
    await newcomer.getByLabel('Herhaal het wachtwoord').fill('een lang genoeg wachtwoord');
    await newcomer.getByRole('button', { name: 'Account aanmaken' }).click();
    await newcomer.waitForURL(`${baseUrl}/app`);
    await expect.poll(() => newcomer.getByTestId('signed-in-as').textContent()).toContain('Nieuwe Collega');
    await context.close();
    await page.context().close();
  });

  it('answers 403 to finance and support on settings pages (support: admin settings included)', async () => {
    for (const role of ['finance', 'support'] as const) {
      const page = await signedIn(role);
      for (const path of ['/app/settings', '/app/settings/team', '/app/settings/dunning', '/app/settings/payments']) {
        const response = await page.goto(`${baseUrl}${path}`);
        expect([role, path, response?.status()]).toEqual([role, path, 403]);
      }
      await page.context().close();
    }
  });
});
