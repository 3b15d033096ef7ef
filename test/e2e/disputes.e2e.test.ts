import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ORG_SLUG, DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { answerDueFrom } from '~/modules/disputes/constants';
import { notBeforeSendHour } from '~/modules/dunning/schedule';
import { DESKTOP, expectAccessible, launch, newContext, PHONE, screenshot, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;
let databaseUrl: string;

/** The app's embedded PostgreSQL, found through its data directory, to check what the pages say against the rows. */
async function connect() {
  const pid = await fs.readFile(path.join(inject('dataDir'), 'postgres', 'postmaster.pid'), 'utf8');
  databaseUrl = `postgres://postgres:voldaan@127.0.0.1:${Number(pid.split('\n')[3])}/voldaan`;
  return postgres(databaseUrl, { max: 2, onnotice: () => {} });
}

/**
 * A debtor of the demo creditor of its own (so the seeded demo debtor stays as the other suites
 * expect it), with an overdue invoice whose next reminder is two days away, and a second one.
 */
async function debtorWithOverdueInvoice() {
  const tag = randomBytes(3).toString('hex');
  const email = `dispute-${tag}@example.nl`;
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = ${DEMO_ORG_SLUG}`;
  const [debtor] = await sql<{ id: string }[]>`
    insert into debtors (organization_id, external_ref, kind, name, email, locale)
    values (${org.id}, ${`E2E-D-${tag}`}, 'consumer', 'Daan Dispuut', ${email}, 'nl') returning id`;
  const [target, other] = await sql<{ id: string; number: string; open_cents: string; next_action_at: Date }[]>`
    insert into invoices (organization_id, debtor_id, number, issue_date, due_date, total_cents, open_cents, dunning_stage, next_action_at)
    values
      (${org.id}, ${debtor.id}, ${`E2E-D-${tag}-1`}, current_date - 40, current_date - 26, 104477, 104477, 1, now() + interval '2 days'),
      (${org.id}, ${debtor.id}, ${`E2E-D-${tag}-2`}, current_date - 30, current_date - 16, 4840, 4840, 1, now() + interval '5 days')
    returning id, number, open_cents, next_action_at`;
  return { email, debtorId: debtor.id, target, other };
}

/** A fresh portal link for the debtor, from the CLI a newcomer would use (`npm run link -- <email>`). */
async function linkFor(email: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/server/link-cli.ts', email], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      DATA_DIR: inject('dataDir'),
      APP_URL: baseUrl,
    },
  });
  const url = stdout.match(/https?:\/\/\S+\/l\/\S+/)?.[0];
  if (!url) throw new Error(`no link in: ${stdout}`);
  return url;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const money = (cents: number) =>
  new Intl.NumberFormat('nl-NL', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
const longDate = (at: Date) =>
  new Intl.DateTimeFormat('nl-NL', {
    timeZone: 'Europe/Amsterdam',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(at);

beforeAll(async () => {
  ({ browser, close } = await launch());
  sql = await connect();
});
afterAll(async () => {
  await sql?.end();
  await close?.();
});

async function supportPage() {
  const context = await newContext(browser, DESKTOP);
  const page = await context.newPage();
  const support = demoStaffEmails.find((s) => s.role === 'support')!;
  await signInAsStaff(page, baseUrl, support.email, DEMO_PASSWORD);
  await hydrated(page);
  return { context, page };
}

/** Waits until the client bundle has loaded, so clicks go through Remix rather than racing hydration. */
async function hydrated(page: Page) {
  await page.waitForLoadState('networkidle');
}

async function expectStatus(page: Page, text: string) {
  await expect.poll(() => page.getByRole('status').first().textContent()).toContain(text);
}

describe('disputes end to end', () => {
  it('the debtor disputes with an attachment, support replies, the debtor answers, support credits half; dunning resumes on the rest after the grace period', async () => {
    const { email, target, other } = await debtorWithOverdueInvoice();
    const link = await linkFor(email);
    const openCents = Number(target.open_cents);
    const half = Math.floor(openCents / 2);

    // 1. On a phone, the debtor finds "Bezwaar maken" on the invoice; an empty form comes back with its errors, accessibly.
    const debtorContext = await newContext(browser, PHONE);
    const debtor = await debtorContext.newPage();
    await debtor.goto(link);
    await debtor.goto(`${baseUrl}/portal/invoices/${target.id}`);
    await hydrated(debtor);
    await debtor.getByRole('link', { name: `Bezwaar maken tegen factuur ${target.number}` }).click();
    await debtor.waitForURL(`${baseUrl}/portal/invoices/${target.id}/dispute`);
    await debtor.getByRole('button', { name: 'Bezwaar versturen' }).click();
    await expect.poll(() => debtor.locator('#message-error').textContent()).toBe('Vul een toelichting in.');
    expect(await debtor.getByLabel('Uw toelichting').getAttribute('aria-invalid')).toBe('true');
    expect(await debtor.locator('#reason-error').textContent()).toBe('Kies een reden.');
    await expectAccessible(debtor);

    // 2. The dispute itself goes in without JavaScript: a plain multipart form post with a PDF.
    const plainDebtor = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'nl-NL' });
    const noJsDebtor = await plainDebtor.newPage();
    await noJsDebtor.goto(link);
    await noJsDebtor.goto(`${baseUrl}/portal/invoices/${target.id}/dispute`);
    await noJsDebtor.getByRole('button', { name: 'Bezwaar versturen' }).click();
    await expect.poll(() => noJsDebtor.locator('#message-error').textContent()).toBe('Vul een toelichting in.');
    await noJsDebtor.getByLabel('Het bedrag klopt niet').check();
    await noJsDebtor
      .getByLabel('Uw toelichting')
      .fill('De monteur heeft twee uur gerekend, maar was er maar één uur.\n<script>alert(1)</script>');
    await noJsDebtor.getByLabel('Bijlagen (niet verplicht)').setInputFiles({
      name: 'werkbon.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await noJsDebtor.getByRole('button', { name: 'Bezwaar versturen' }).click();
    await noJsDebtor.waitForURL(/\/portal\/disputes\/[0-9a-f-]{36}\?done=opened$/);
    const disputeId = /disputes\/([0-9a-f-]{36})/.exec(noJsDebtor.url())![1];
    await expectStatus(noJsDebtor, 'Uw bezwaar is verstuurd');
    await plainDebtor.close();

    const [paused] =
      await sql`select count(*)::int as n from dunning_pauses where invoice_id = ${target.id} and reason = 'dispute' and lifted_at is null`;
    expect(paused.n).toBe(1);

    // 3. The thread shows the message as text and the attachment; the list is in the portal menu. Both accessible.
    await debtor.goto(`${baseUrl}/portal/disputes/${disputeId}`);
    await hydrated(debtor);
    await expect
      .poll(() => debtor.getByTestId('dispute-message').first().textContent())
      .toContain('<script>alert(1)</script>');
    expect(await debtor.locator('.dispute-thread script').count()).toBe(0);
    expect(await debtor.getByRole('link', { name: 'werkbon.pdf' }).getAttribute('href')).toMatch(
      new RegExp(`^/portal/disputes/${disputeId}/attachments/[0-9a-f-]{36}$`),
    );
    await expectAccessible(debtor);
    await debtor.getByRole('link', { name: 'Bezwaren', exact: true }).click();
    await debtor.waitForURL(`${baseUrl}/portal/disputes`);
    await expectAccessible(debtor);
    await debtor.getByRole('link', { name: `Bezwaar tegen factuur ${target.number}` }).click();
    await debtor.waitForURL(`${baseUrl}/portal/disputes/${disputeId}`);

    // 4. Support finds it in the inbox and replies.
    const { context: staffContext, page: staff } = await supportPage();
    await staff.getByRole('link', { name: 'Geschillen', exact: true }).click();
    await staff.waitForURL(`${baseUrl}/app/disputes`);
    const row = staff.getByTestId('inbox-row').filter({ hasText: target.number });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.badge.ok').count()).toBe(1);
    await expectAccessible(staff);
    await screenshot(staff, 'disputes-inbox-desktop');
    await row.getByRole('link').click();
    await staff.waitForURL(`${baseUrl}/app/disputes/${disputeId}`);
    await expect.poll(() => staff.getByTestId('pauses').textContent()).toContain('bezwaar');
    // An internal note, posted as a plain multipart form without JavaScript.
    const plain = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false, locale: 'nl-NL' });
    await plain.addCookies(await staffContext.cookies());
    const noJs = await plain.newPage();
    await noJs.goto(`${baseUrl}/app/disputes/${disputeId}`);
    await noJs.getByRole('textbox', { name: 'Notitie', exact: true }).fill('Werkbon nagevraagd bij de planning.');
    await noJs.locator('#note-attachments').setInputFiles({ name: 'planning.png', mimeType: 'image/png', buffer: PNG });
    await noJs.getByRole('button', { name: 'Notitie opslaan' }).click();
    await noJs.waitForURL(`${baseUrl}/app/disputes/${disputeId}?done=note`);
    await expectStatus(noJs, 'De notitie is opgeslagen.');
    expect(await noJs.getByTestId('internal-note').getByRole('link', { name: 'planning.png' }).count()).toBe(1);
    await plain.close();
    await staff.reload();
    await hydrated(staff);
    await expectAccessible(staff);
    await staff
      .getByRole('textbox', { name: 'Antwoord', exact: true })
      .fill('Dank u. We zien dat er één uur te veel is gerekend. Klopt het bedrag verder?');
    await staff.getByRole('button', { name: 'Antwoord versturen' }).click();
    await expectStatus(staff, 'Uw antwoord is verstuurd.');
    await expect.poll(() => staff.getByTestId('assignee').textContent()).toBe('Ik');

    // The debtor is emailed the reply; its button is a fresh signed link that lands on this thread.
    const sentReply = async () => {
      const [row] = await sql<{ html: string | null }[]>`
        select html from communications
        where template = 'dispute_reply' and status in ('sent', 'delivered') and props->'dispute'->>'invoiceNumber' = ${target.number}`;
      return row?.html ?? null;
    };
    await expect.poll(sentReply, { timeout: 20_000, interval: 500 }).toContain('/l/');
    const emailLink = /href="([^"]*\/l\/[^"]+)"/.exec((await sentReply())!)![1].replace(/&amp;/g, '&');
    const fromEmail = await newContext(browser, PHONE);
    const landing = await fromEmail.newPage();
    await landing.goto(emailLink);
    expect(landing.url()).toBe(`${baseUrl}/portal/disputes/${disputeId}`);
    await fromEmail.close();

    // 5. The debtor reads the reply (never the note) and answers.
    await debtor.reload();
    await hydrated(debtor);
    await expect.poll(() => debtor.getByTestId('dispute-message').count()).toBe(2);
    expect(await debtor.getByText('Werkbon nagevraagd').count()).toBe(0);
    await debtor.getByLabel('Uw bericht').fill('Ja, de rest klopt. Dank voor de snelle reactie.');
    await debtor.getByRole('button', { name: 'Bericht versturen' }).click();
    await expectStatus(debtor, 'Uw bericht is verstuurd.');
    await expect.poll(() => debtor.getByTestId('dispute-message').count()).toBe(3);
    await expectAccessible(debtor);
    await screenshot(debtor, 'disputes-thread-phone');

    // 6. Support credits half: the dispute stays open for the debtor's answer, dunning stays paused.
    await staff.reload();
    await hydrated(staff);
    await expect.poll(() => staff.getByTestId('dispute-message').count()).toBe(3);
    await staff.getByLabel('Te crediteren bedrag').fill(money(half));
    await staff.getByLabel('Toelichting voor de debiteur (niet verplicht)').fill('Eén uur arbeid gecrediteerd.');
    await screenshot(staff, 'disputes-thread-desktop');
    await staff.getByRole('button', { name: 'Creditnota boeken' }).click();
    await expectStatus(staff, 'De creditnota is geboekt');
    await expect.poll(() => staff.getByTestId('invoice-open').textContent()).toContain(money(openCents - half));
    await expect.poll(() => staff.getByTestId('credited').textContent()).toContain(money(half));
    expect(await staff.getByTestId('pauses').textContent()).toContain('bezwaar');
    expect(await staff.getByTestId('awaiting-answer').textContent()).toContain('akkoord gaan met de creditering');
    await expectAccessible(staff);
    await staffContext.close();

    // 7. The rows: half credited as a credit note on the principal, the dispute waiting on the debtor for 14 days, still paused.
    const [waiting] = await sql<{ status: string; credited_cents: string; answer_due_at: Date; updated_at: Date }[]>`
      select status, credited_cents, answer_due_at, updated_at from disputes where id = ${disputeId}`;
    expect(waiting.status).toBe('awaiting_debtor');
    expect(Number(waiting.credited_cents)).toBe(half);
    expect(waiting.answer_due_at.getTime()).toBe(answerDueFrom(waiting.updated_at).getTime());
    const [credit] = await sql`
      select p.provider, p.status, a.amount_cents, a.costs_cents, a.interest_cents from payments p
      join payment_allocations a on a.payment_id = p.id
      where a.invoice_id = ${target.id} and p.provider = 'credit_note'`;
    expect(credit).toMatchObject({ provider: 'credit_note', status: 'paid' });
    expect(Number(credit.amount_cents)).toBe(half);
    const stillPaused = async () =>
      (
        await sql<{ n: number }[]>`
        select count(*)::int as n from dunning_pauses where invoice_id = ${target.id} and lifted_at is null`
      )[0].n;
    expect(await stillPaused()).toBe(1);

    // 8. The debtor sees the credit, what is left and until when they can answer, and accepts (a plain form).
    await debtor.reload();
    await hydrated(debtor);
    await expect.poll(() => debtor.getByTestId('credited').textContent()).toContain(money(half));
    expect(await debtor.getByTestId('credit-open').textContent()).toContain(money(openCents - half));
    expect(await debtor.getByTestId('answer-due').textContent()).toContain(
      `tot en met ${longDate(new Date(waiting.answer_due_at.getTime() - 1))}`,
    );
    await expectAccessible(debtor);
    await screenshot(debtor, 'disputes-part-credit-phone');
    await debtor.getByRole('button', { name: 'Akkoord, rond mijn bezwaar af' }).click();
    await expectStatus(debtor, 'We hebben uw bezwaar afgerond met deze creditering.');
    await expect.poll(() => debtor.locator('.dispute-outcome').textContent()).toContain(`${money(half)} gecrediteerd`);
    expect(await debtor.getByRole('button', { name: 'Akkoord, rond mijn bezwaar af' }).count()).toBe(0);

    // 9. The rows: closed as credited_partial, the pause lifted, the next reminder after the grace period from the answer.
    const [invoice] = await sql<{ status: string; open_cents: string; next_action_at: Date }[]>`
      select status, open_cents, next_action_at from invoices where id = ${target.id}`;
    expect(invoice.status).toBe('open');
    expect(Number(invoice.open_cents)).toBe(openCents - half);
    const [dispute] = await sql<{ status: string; outcome: string; credited_cents: string; resolved_at: Date }[]>`
      select status, outcome, credited_cents, resolved_at from disputes where id = ${disputeId}`;
    expect(dispute).toMatchObject({ status: 'resolved', outcome: 'credited_partial' });
    expect(Number(dispute.credited_cents)).toBe(half);
    expect(await stillPaused()).toBe(0);
    const [{ grace }] = await sql<{ grace: number }[]>`
      select (portal_settings->>'disputeRejectGraceDays')::int as grace from organizations where slug = ${DEMO_ORG_SLUG}`;
    const graceEnd = new Date(dispute.resolved_at.getTime() + grace * 86_400_000);
    expect(grace).toBeGreaterThan(2);
    // It was due in two days; now it waits for the end of the grace period (at the sending hour
    // when the grace period ends at night: the engine's own rule, so this holds at any hour).
    expect(invoice.next_action_at.getTime()).toBe(notBeforeSendHour(graceEnd).getTime());
    // The debtor's other invoice was never paused and keeps its schedule.
    const [untouched] = await sql<{ next_action_at: Date; pauses: number }[]>`
      select next_action_at, (select count(*)::int from dunning_pauses p where p.invoice_id = i.id) as pauses
      from invoices i where id = ${other.id}`;
    expect(untouched.pauses).toBe(0);
    expect(untouched.next_action_at.getTime()).toBe(other.next_action_at.getTime());

    // 10. On the invoice: the remaining half with the next reminder after the grace period.
    await debtor.goto(`${baseUrl}/portal/invoices/${target.id}`);
    await hydrated(debtor);
    await expect.poll(() => debtor.getByTestId('invoice-open').textContent()).toContain(money(openCents - half));
    await expect.poll(() => debtor.locator('.next-step').textContent()).toContain(longDate(invoice.next_action_at));
    await debtorContext.close();
  });

  it('a question about an invoice pauses nothing; support sees it labelled, holds the reminders and closes it', async () => {
    const { email, target } = await debtorWithOverdueInvoice();
    const link = await linkFor(email);
    const debtorContext = await newContext(browser, PHONE);
    const debtor = await debtorContext.newPage();
    await debtor.goto(link);
    await debtor.goto(`${baseUrl}/portal/invoices/${target.id}`);
    await hydrated(debtor);
    await debtor.getByRole('link', { name: 'Vraag over deze factuur' }).click();
    await debtor.waitForURL(`${baseUrl}/portal/invoices/${target.id}/question`);
    await debtor.getByRole('button', { name: 'Vraag versturen' }).click();
    await expect.poll(() => debtor.locator('#message-error').textContent()).toBe('Vul een toelichting in.');
    await expectAccessible(debtor);
    await debtor.getByLabel('Uw vraag').fill('Waarvoor is de tweede regel op deze factuur?');
    await debtor.getByRole('button', { name: 'Vraag versturen' }).click();
    await debtor.waitForURL(/\/portal\/disputes\/[0-9a-f-]{36}\?done=opened$/);
    const questionId = /disputes\/([0-9a-f-]{36})/.exec(debtor.url())![1];
    await expectStatus(debtor, 'Uw vraag is verstuurd');
    await expectAccessible(debtor);
    await screenshot(debtor, 'question-thread-phone');
    const pausesOn = async () =>
      (
        await sql<{ n: number }[]>`
        select count(*)::int as n from dunning_pauses where invoice_id = ${target.id} and lifted_at is null`
      )[0].n;
    expect(await pausesOn()).toBe(0);
    await debtor.goto(`${baseUrl}/portal/disputes`);
    expect(await debtor.getByRole('link', { name: `Vraag over factuur ${target.number}` }).count()).toBe(1);
    await expectAccessible(debtor);
    await debtorContext.close();

    const { context: staffContext, page: staff } = await supportPage();
    await staff.goto(`${baseUrl}/app/disputes?kind=question`);
    await hydrated(staff);
    const row = staff.getByTestId('inbox-row').filter({ hasText: target.number });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.kind-badge').textContent()).toBe('Vraag');
    await expectAccessible(staff);
    await row.getByRole('link').click();
    await staff.waitForURL(`${baseUrl}/app/disputes/${questionId}`);
    await staff.getByRole('button', { name: 'Herinneringen pauzeren' }).click();
    await expectStatus(staff, 'De herinneringen voor deze factuur zijn gepauzeerd.');
    expect(await pausesOn()).toBe(1);
    await expectAccessible(staff);
    await staff
      .getByRole('textbox', { name: 'Antwoord', exact: true })
      .fill('Dat is de voorrijkosten; die staan in de offerte.');
    await staff.getByRole('button', { name: 'Antwoord versturen' }).click();
    await expectStatus(staff, 'Uw antwoord is verstuurd.');
    expect(await staff.getByLabel('Ook de pauze van de herinneringen opheffen').isChecked()).toBe(true);
    await staff.getByRole('button', { name: 'Beantwoord / gesloten' }).click();
    await expectStatus(staff, 'De vraag is afgesloten.');
    expect(await pausesOn()).toBe(0);
    const [closed] = await sql<
      { status: string; kind: string }[]
    >`select status, kind from disputes where id = ${questionId}`;
    expect(closed).toEqual({ status: 'resolved', kind: 'question' });
    await staffContext.close();
  });
});
