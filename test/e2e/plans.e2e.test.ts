/**
 * Payment plans end to end: the demo debtor proposes a plan outside the policy on a phone
 * (with the live preview), finance approves it in the back office, and the debtor pays the
 * first installment with the demo provider. A second debtor's plan within the policy is
 * approved at once; without JavaScript the preview comes back after a plain submit.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_DEBTOR_EMAIL, DEMO_ORG_SLUG, DEMO_PASSWORD } from '~db/seed';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;
let databaseUrl: string;

beforeAll(async () => {
  ({ browser, close } = await launch());
  const pid = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  databaseUrl = `postgres://postgres:voldaan@127.0.0.1:${Number(pid.split('\n')[3])}/voldaan`;
  sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await close?.();
});

/** A fresh portal link, from the CLI a newcomer would use (`npm run link -- <email>`). */
async function linkFor(email: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/server/link-cli.ts', email], {
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, APP_URL: baseUrl },
  });
  const url = stdout.match(/https?:\/\/\S+\/l\/\S+/)?.[0];
  if (!url) throw new Error(`no link in: ${stdout}`);
  return url;
}

type Candidate = { id: string; number: string; owed: number };

/**
 * The demo debtor's open invoices that no other suite holds (no dispute, plan, promise or
 * payment; a manual hold does not stand in a plan's way), the ones with the latest next
 * reminder first (the not-yet-due one and the oldest, so the dunning suite keeps the 9- and
 * 24-day overdue ones it expects), enough for more than 12 installments.
 */
async function demoDebtorInvoices(): Promise<Candidate[]> {
  const rows = await sql<{ id: string; number: string; owed: string }[]>`
    select i.id, i.number, (i.open_cents + i.costs_cents + i.interest_cents)::text as owed
    from invoices i join debtors d on d.id = i.debtor_id
    where d.email = ${DEMO_DEBTOR_EMAIL} and i.status = 'open' and i.open_cents > 0
      and not exists (select 1 from dunning_pauses p where p.invoice_id = i.id and p.reason <> 'manual'
        and p.lifted_at is null and (p.until is null or p.until > now()))
      and not exists (select 1 from disputes x where x.invoice_id = i.id and x.status not in ('resolved', 'withdrawn'))
    order by i.next_action_at desc nulls last`;
  const chosen: Candidate[] = [];
  for (const r of rows) {
    chosen.push({ id: r.id, number: r.number, owed: Number(r.owed) });
    if (chosen.reduce((s, c) => s + c.owed, 0) >= 13 * 2_500) break;
  }
  return chosen;
}

/** A new consumer of the demo creditor with two overdue invoices (EUR 242.00 and EUR 96.80). */
async function freshDebtor(label: string) {
  const tag = `${label}-${randomBytes(3).toString('hex')}`;
  const email = `plan-${tag}@example.nl`;
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${DEMO_ORG_SLUG}`;
  const [debtor] = await sql<{ id: string }[]>`
    insert into debtors (organization_id, external_ref, kind, name, email, locale)
    values (${org.id}, ${`E2E-${tag}`}, 'consumer', ${`Plan Tester ${label}`}, ${email}, 'nl') returning id`;
  await sql`
    insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, dunning_stage, next_action_at)
    values
      (${org.id}, ${debtor.id}, ${`E2E-${tag}-1`}, current_date - 40, current_date - 26, 24200, 24200, 1, now() + interval '2 days'),
      (${org.id}, ${debtor.id}, ${`E2E-${tag}-2`}, current_date - 30, current_date - 16, 9680, 9680, 1, now() + interval '5 days')`;
  return { email, debtorId: debtor.id };
}

function euros(cents: number) {
  return new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

async function status(page: Page) {
  return page.getByRole('status').first().textContent();
}

/** Ticks exactly the given invoices on the plan form. */
async function choose(page: Page, numbers: string[]) {
  const boxes = page.locator('input[name="invoice"]:not([disabled])');
  for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).uncheck();
  for (const n of numbers) await page.getByRole('checkbox', { name: new RegExp(`Factuur ${n}\\b`) }).check();
}

describe('payment plans', () => {
  it('the demo debtor proposes outside the policy, finance approves, the debtor pays the first installment', async () => {
    const chosen = await demoDebtorInvoices();
    const total = chosen.reduce((s, c) => s + c.owed, 0);
    expect(total, 'the demo debtor owes enough for more than 12 installments').toBeGreaterThanOrEqual(13 * 2_500);
    const count = Math.min(18, Math.floor(total / 2_500));

    // 1. The debtor, on a phone, from the overview to the plan form.
    const debtorContext = await newContext(browser, PHONE);
    const debtor = await debtorContext.newPage();
    await debtor.goto(await linkFor(DEMO_DEBTOR_EMAIL));
    await debtor.getByRole('link', { name: 'Betalingsregeling voorstellen', exact: true }).first().click();
    await debtor.waitForURL(`${baseUrl}/portal/plan`);
    // The live preview (React state, same rules as the server) answers once the page is hydrated.
    const preview = debtor.getByTestId('plan-preview');
    await debtor.getByLabel('Aantal termijnen').fill(String(count));
    await debtor.getByLabel('Elke maand').check();
    await expect.poll(() => preview.locator('tbody tr').count()).toBe(count);
    await choose(
      debtor,
      chosen.map((c) => c.number),
    );
    await expect.poll(() => preview.locator('tfoot').textContent()).toContain(euros(total));
    await expect.poll(() => debtor.getByTestId('plan-verdict').textContent()).toContain('ter beoordeling');
    await debtor.getByLabel('Toelichting (niet verplicht)').fill('Ik ben een paar maanden met minder inkomen.');
    await expectAccessible(debtor);
    await screenshot(debtor, 'plan-form-phone');
    await debtor.getByRole('button', { name: 'Voorstel versturen' }).click();
    await debtor.waitForURL(/\/portal\/plan\/[0-9a-f-]{36}\?created=1$/);
    const planId = /plan\/([0-9a-f-]{36})/.exec(debtor.url())![1];
    await expect.poll(() => status(debtor)).toContain('Uw voorstel is verstuurd');
    await expectAccessible(debtor);
    const [proposed] =
      await sql`select status, installment_count, total_cents::int as total from payment_plans where id = ${planId}`;
    expect(proposed).toMatchObject({ status: 'proposed', installment_count: count, total });

    // 2. Finance, at a desk, in the back office.
    const staffContext = await newContext(browser, DESKTOP);
    const staff = await staffContext.newPage();
    await signInAsStaff(staff, baseUrl, 'finance@veldkamp.example', DEMO_PASSWORD);
    await staff.getByRole('link', { name: 'Regelingen', exact: true }).click();
    await staff.waitForURL(`${baseUrl}/app/plans`);
    const row = staff.getByTestId('plan-queue-row').filter({ hasText: 'Sanne de Vries' });
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.textContent()).toContain(`${count} termijnen (max. 12)`);
    await expectAccessible(staff);
    await screenshot(staff, 'plans-queue-desktop');
    await row.getByRole('link', { name: 'Voorstel van Sanne de Vries beoordelen' }).click();
    await staff.waitForURL(`${baseUrl}/app/plans/${planId}`);
    await expect.poll(() => staff.getByTestId('policy-reasons').textContent()).toContain('termijnen');
    await expectAccessible(staff);
    await screenshot(staff, 'plan-review-desktop');
    await staff.getByRole('button', { name: 'Goedkeuren' }).click();
    await staff.waitForURL(`${baseUrl}/app/plans/${planId}?done=approved`);
    await expect.poll(() => status(staff)).toContain('Goedgekeurd');
    await staffContext.close();

    // 3. The debtor sees the running plan and pays the first installment on the DEMO page.
    await debtor.goto(`${baseUrl}/portal/plan/${planId}`);
    const pay = debtor.getByRole('button', { name: /^Betaal termijn 1: / });
    await expect.poll(() => pay.count()).toBe(1);
    await expectAccessible(debtor);
    await screenshot(debtor, 'plan-running-phone');
    await pay.click();
    await debtor.waitForURL(/\/demo-checkout\//);
    await debtor.getByRole('button', { name: 'Betaling gelukt' }).click();
    await debtor.waitForURL(/\/portal\/pay\/return/);
    await expect
      .poll(
        async () => (await sql`select status from plan_installments where plan_id = ${planId} and seq = 1`)[0].status,
        { timeout: 15_000 },
      )
      .toBe('paid');
    const [payment] =
      await sql`select p.status, p.amount_cents::int as amount from payments p join plan_installments i on i.id = p.installment_id where i.plan_id = ${planId}`;
    const [first] =
      await sql`select amount_cents::int as amount from plan_installments where plan_id = ${planId} and seq = 1`;
    expect(payment).toMatchObject({ status: 'paid', amount: first.amount });
    const [plan] = await sql`select status from payment_plans where id = ${planId}`;
    expect(plan.status).toBe('active');
    await debtor.goto(`${baseUrl}/portal/plan/${planId}`);
    await expect.poll(() => debtor.getByRole('button', { name: /^Betaal termijn 2: / }).count()).toBe(1);
    await debtorContext.close();
  });

  it("approves a second debtor's plan within the policy at once", async () => {
    const { email, debtorId } = await freshDebtor('instant');
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.getByRole('link', { name: 'Regelingen' }).click();
    await page.waitForURL(`${baseUrl}/portal/plan`);
    await page.getByLabel('Aantal termijnen').fill('4');
    await page.getByLabel('Elke twee weken').check();
    await page.getByLabel('Aanbetaling (niet verplicht)').fill('38,80');
    await expect.poll(() => page.getByTestId('plan-verdict').textContent()).toContain('meteen bevestiging');
    // EUR 338.80 - 38.80 = 300.00 in 4: 75.00 each.
    await expect.poll(() => page.getByTestId('plan-preview').locator('tbody tr').allTextContents()).toHaveLength(5);
    expect(
      (await page.getByTestId('plan-preview').locator('tbody tr').nth(1).textContent())?.replace(/\s/g, ' '),
    ).toContain('75,00');
    await page.getByRole('button', { name: 'Voorstel versturen' }).click();
    await page.waitForURL(/\/portal\/plan\/[0-9a-f-]{36}\?created=1$/);
    await expect.poll(() => status(page)).toContain('Uw regeling is goedgekeurd');
    const [plan] = await sql`select status, auto_approved from payment_plans where debtor_id = ${debtorId}`;
    expect(plan).toMatchObject({ status: 'active', auto_approved: true });
    await expectAccessible(page);
    await context.close();
  });

  it('works without JavaScript: the preview and the errors come back after a plain submit', async () => {
    const { email, debtorId } = await freshDebtor('nojs');
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'nl-NL' });
    const page = await context.newPage();
    await page.goto(await linkFor(email));
    await page.goto(`${baseUrl}/portal/plan`);
    expect(await page.getByTestId('plan-preview').locator('tbody tr').count()).toBe(3);
    await page.getByLabel('Aantal termijnen').fill('1');
    await page.getByRole('button', { name: 'Bekijk het schema' }).click();
    await expect.poll(() => page.locator('#installmentCount-error').textContent()).toContain('minstens 2 termijnen');
    expect(await page.getByLabel('Aantal termijnen').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Aantal termijnen').fill('5');
    await page.getByRole('button', { name: 'Bekijk het schema' }).click();
    await expect.poll(() => page.getByTestId('plan-preview').locator('tbody tr').count()).toBe(5);
    expect(await sql`select id from payment_plans where debtor_id = ${debtorId}`).toHaveLength(0);

    await page.goto(`${baseUrl}/portal/promise`);
    await page.getByRole('button', { name: 'Belofte doen' }).click();
    await expect.poll(() => status(page)).toContain('sturen we geen herinneringen');
    const [promise] = await sql`select status from promises_to_pay where debtor_id = ${debtorId}`;
    expect(promise.status).toBe('active');
    await context.close();
  });
});
