import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, demoStaffEmails } from '../../db/seed';
import { expectAccessible, launch, newContext, PHONE, screenshot, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ browser, close } = await launch());
});
afterAll(async () => close?.());

describe('back office', () => {
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
      if (staff.role === 'admin') await screenshot(page, 'back-office-desktop');
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
    await screenshot(page, 'login-phone-error');
    await context.close();
  });

  it('sends a support user to a 403 page for admin settings', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const support = demoStaffEmails.find((s) => s.role === 'support')!;
    await signInAsStaff(page, baseUrl, support.email, DEMO_PASSWORD);
    const response = await page.goto(`${baseUrl}/app/settings`);
    expect(response?.status()).toBe(403);
    await context.close();
  });
});
