/// <reference types="vite/client" />
/**
 * The sweep: every page of the portal and of the back office (signed in as admin, who sees every
 * page), and the public pages around them, on a phone (390 x 844) and a laptop (1366 x 900), in
 * Dutch and in English; pages with a form a second time with JavaScript off. Each visit must
 *
 * - answer with the status it should, on the address asked for (no redirect to a sign-in page);
 * - log no console error and throw nothing; with JavaScript, hydrate without React's complaints
 *   (#418, #423, #425, "Hydration", "did not match");
 * - pass axe: every WCAG 2.x A/AA rule, plus the one best-practice rule the issue names,
 *   `landmark-unique` (two navigation landmarks need two names). Other best-practice rules are not
 *   enforced: they are advice, not conformance, and some (one <h1>, a <main> per page) we meet
 *   anyway. Axe runs once per page, viewport and language (the visit with JavaScript);
 * - in English, show none of the Dutch catalogs' sentences (every nl message that differs from its
 *   en translation, cut at its placeholders, in pieces of three words or more) in its visible text
 *   or title;
 * - on a phone, not scroll sideways; portal and back-office headers at most 12 % of the screen,
 *   their pages on one row; every portal page with the creditor's email (mailto:), phone (tel:) and
 *   website, and no "B.V.." after the legal name;
 *
 * and leaves a full-page screenshot in test/e2e/screenshots/sweep/<page>-<viewport>-<lang>[-nojs].png.
 * Problems are collected per viewport and language and reported together, so one run names them all.
 *
 * What the demo data lacks for a page (a dispute, a plan, a payment, a bank statement of the demo
 * debtor and creditor) is made first, the way a debtor and finance make them: through the portal's
 * and the back office's own forms. A staff invitation is stored directly, as only its hash is kept.
 * Every route module that renders a page is in PAGES or in NOT_SWEPT with the reason: a new page
 * cannot be left out unnoticed.
 *
 * The same run writes the README's screenshots (the portal overview and the pay page on a phone, the
 * dashboard on a laptop; viewport only, device scale 1) to README_SCREENSHOTS_DIR, by default
 * test/e2e/screenshots/readme; `README_SCREENSHOTS_DIR=public/screenshots` refreshes the README's.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { INTENT as PLAN_INTENT } from '~/modules/plans/index';
import * as portalCatalog from '~/utils/i18n/catalog/portal';
import { localeCookie } from '~/utils/i18n/locale.server';
import { sha256 } from '~/utils/token.server';
import { DEMO_DEBTOR_EMAIL, DEMO_ORG_SLUG, DEMO_PASSWORD, demoStaffEmails } from '~db/seed';
import { axeViolations, LAPTOP, launch, PHONE, recordErrors, SCREENSHOTS, signInAsStaff } from './browser';

const baseUrl = inject('baseUrl');
const dataDir = inject('dataDir');
let browser: Browser;
let close: () => Promise<void>;
let sql: postgres.Sql;

const SWEEP_SHOTS = path.join(SCREENSHOTS, 'sweep');
const README_SHOTS = path.resolve(process.env.README_SCREENSHOTS_DIR ?? path.join(SCREENSHOTS, 'readme'));

type Fixtures = {
  orgId: string;
  debtorId: string;
  /** An open invoice of the demo debtor, shown in the portal and the back office. */
  invoiceId: string;
  /** An open invoice of the demo debtor without an open dispute: its dispute form is a form. */
  disputableInvoiceId: string;
  disputeId: string;
  planId: string;
  paymentId: string;
  statementId: string;
  inviteToken: string;
};

type Audience = 'public' | 'portal' | 'staff';
type SweptPage = {
  /** The screenshot's name. */
  name: string;
  /** The route module (app/routes/<route>.tsx) the page is, or null for a page no module renders (404). */
  route: string | null;
  audience: Audience;
  path: (f: Fixtures) => string;
  /** The status the page answers with; 200 if not given. */
  status?: number;
};

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

export const PAGES: SweptPage[] = [
  { name: 'login', route: 'login', audience: 'public', path: () => '/login' },
  {
    name: 'link-help',
    route: 'link-help',
    audience: 'public',
    path: (f) => `/link-help?reason=expired&o=${f.orgId}`,
  },
  { name: 'signed-out', route: 'portal_.signed-out', audience: 'public', path: () => '/portal/signed-out' },
  { name: 'invite', route: 'invite.$token', audience: 'public', path: (f) => `/invite/${f.inviteToken}` },
  { name: 'not-found', route: '$', audience: 'public', path: () => '/no-such-page', status: 404 },

  { name: 'portal-overview', route: 'portal._index', audience: 'portal', path: () => '/portal' },
  {
    name: 'portal-invoice',
    route: 'portal.invoices.$id',
    audience: 'portal',
    path: (f) => `/portal/invoices/${f.invoiceId}`,
  },
  {
    name: 'portal-dispute-form',
    route: 'portal.invoices.$id_.dispute',
    audience: 'portal',
    path: (f) => `/portal/invoices/${f.disputableInvoiceId}/dispute`,
  },
  {
    name: 'portal-question-form',
    route: 'portal.invoices.$id_.question',
    audience: 'portal',
    path: (f) => `/portal/invoices/${f.disputableInvoiceId}/question`,
  },
  { name: 'portal-pay', route: 'portal.pay._index', audience: 'portal', path: () => '/portal/pay' },
  {
    name: 'portal-pay-return',
    route: 'portal.pay.return',
    audience: 'portal',
    path: (f) => `/portal/pay/return?payment=${f.paymentId}`,
  },
  {
    name: 'portal-transfer',
    route: 'portal.pay.transfer',
    audience: 'portal',
    path: (f) => `/portal/pay/transfer?invoice=${f.invoiceId}`,
  },
  { name: 'portal-plan-form', route: 'portal.plan._index', audience: 'portal', path: () => '/portal/plan' },
  { name: 'portal-plan', route: 'portal.plan.$id', audience: 'portal', path: (f) => `/portal/plan/${f.planId}` },
  { name: 'portal-promise', route: 'portal.promise', audience: 'portal', path: () => '/portal/promise' },
  { name: 'portal-history', route: 'portal.history', audience: 'portal', path: () => '/portal/history' },
  {
    name: 'portal-receipt',
    route: 'portal.receipts.$paymentId',
    audience: 'portal',
    path: (f) => `/portal/receipts/${f.paymentId}`,
  },
  { name: 'portal-disputes', route: 'portal.disputes._index', audience: 'portal', path: () => '/portal/disputes' },
  {
    name: 'portal-dispute',
    route: 'portal.disputes.$id',
    audience: 'portal',
    path: (f) => `/portal/disputes/${f.disputeId}`,
  },
  {
    name: 'portal-not-found',
    route: null,
    audience: 'portal',
    path: () => `/portal/invoices/${NO_SUCH_ID}`,
    status: 404,
  },

  { name: 'app-dashboard', route: 'app._index', audience: 'staff', path: () => '/app' },
  { name: 'app-debtors', route: 'app.debtors._index', audience: 'staff', path: () => '/app/debtors' },
  { name: 'app-debtor', route: 'app.debtors.$id', audience: 'staff', path: (f) => `/app/debtors/${f.debtorId}` },
  { name: 'app-invoices', route: 'app.invoices._index', audience: 'staff', path: () => '/app/invoices' },
  { name: 'app-invoice', route: 'app.invoices.$id', audience: 'staff', path: (f) => `/app/invoices/${f.invoiceId}` },
  { name: 'app-plans', route: 'app.plans._index', audience: 'staff', path: () => '/app/plans' },
  { name: 'app-plan', route: 'app.plans.$id', audience: 'staff', path: (f) => `/app/plans/${f.planId}` },
  { name: 'app-disputes', route: 'app.disputes._index', audience: 'staff', path: () => '/app/disputes' },
  { name: 'app-dispute', route: 'app.disputes.$id', audience: 'staff', path: (f) => `/app/disputes/${f.disputeId}` },
  { name: 'app-bank', route: 'app.bank._index', audience: 'staff', path: () => '/app/bank' },
  { name: 'app-bank-queue', route: 'app.bank.queue', audience: 'staff', path: () => '/app/bank/queue' },
  {
    name: 'app-bank-statement',
    route: 'app.bank.statements.$id',
    audience: 'staff',
    path: (f) => `/app/bank/statements/${f.statementId}`,
  },
  { name: 'app-imports', route: 'app.imports', audience: 'staff', path: () => '/app/imports' },
  { name: 'app-settings', route: 'app.settings._index', audience: 'staff', path: () => '/app/settings' },
  {
    name: 'app-settings-branding',
    route: 'app.settings.branding',
    audience: 'staff',
    path: () => '/app/settings/branding',
  },
  {
    name: 'app-settings-dunning',
    route: 'app.settings.dunning',
    audience: 'staff',
    path: () => '/app/settings/dunning',
  },
  { name: 'app-settings-plans', route: 'app.settings.plans', audience: 'staff', path: () => '/app/settings/plans' },
  {
    name: 'app-settings-disputes',
    route: 'app.settings.disputes',
    audience: 'staff',
    path: () => '/app/settings/disputes',
  },
  {
    name: 'app-settings-payments',
    route: 'app.settings.payments',
    audience: 'staff',
    path: () => '/app/settings/payments',
  },
  { name: 'app-settings-bank', route: 'app.settings.bank', audience: 'staff', path: () => '/app/settings/bank' },
  { name: 'app-settings-team', route: 'app.settings.team', audience: 'staff', path: () => '/app/settings/team' },
  {
    name: 'app-settings-api-keys',
    route: 'app.settings.api-keys',
    audience: 'staff',
    path: () => '/app/settings/api-keys',
  },
  {
    name: 'app-not-found',
    route: null,
    audience: 'staff',
    path: () => `/app/debtors/${NO_SUCH_ID}`,
    status: 404,
  },
];

/** Route modules with a default export that the sweep does not visit as a page of their own, and why. */
export const NOT_SWEPT: Record<string, string> = {
  portal: "the portal's layout: rendered around every portal page above",
  app: "the back office's layout: rendered around every back-office page above",
  'app.bank': 'the layout of the bank pages (tabs): rendered around app-bank, app-bank-queue, app-bank-statement',
  'app.settings': 'the layout of the settings pages (their menu): rendered around every app-settings page',
  'demo-checkout.$id':
    "the demo payment provider's stand-in for Mollie's or Stripe's hosted checkout, not a page of Voldaan's own",
  'dev.mail._index': 'the local outbox for development; answers 404 in production',
  'dev.mail.$id': 'the local outbox for development; answers 404 in production',
};

const VIEWPORTS = { phone: PHONE, desktop: LAPTOP } as const;
type ViewportName = keyof typeof VIEWPORTS;
type Lang = 'nl' | 'en';
const COMBINATIONS: { viewport: ViewportName; lang: Lang }[] = [
  { viewport: 'phone', lang: 'nl' },
  { viewport: 'phone', lang: 'en' },
  { viewport: 'desktop', lang: 'nl' },
  { viewport: 'desktop', lang: 'en' },
];

/** A header may take this share of a phone's screen at most. */
const HEADER_SHARE = 0.12;

// ---------------------------------------------------------------------------------------------
// Untranslated text: the Dutch catalogs' sentences.

const catalogs = import.meta.glob<{ nl: Record<string, string>; en: Record<string, string> }>(
  '../../app/utils/i18n/catalog/*.ts',
  { eager: true },
);

const normalize = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/**
 * Each Dutch message that its English translation does not repeat word for word, cut at its
 * placeholders; the pieces of three words or more (shorter ones, "Bank", "Team", "Status", read
 * the same in both languages too often to mean anything).
 */
export function dutchSentences(): string[] {
  const sentences = new Set<string>();
  for (const catalog of Object.values(catalogs)) {
    for (const [key, nl] of Object.entries(catalog.nl)) {
      if (catalog.en[key] === nl) continue;
      for (const piece of nl.split(/\{\w+\}/)) {
        const text = normalize(piece).replace(/^[,.;:·–—-]+\s*/, '');
        if (text.split(' ').filter((word) => /\p{L}/u.test(word)).length >= 3) sentences.add(text);
      }
    }
  }
  return [...sentences];
}

// ---------------------------------------------------------------------------------------------
// Fixtures: what the demo data lacks, made through the app's own forms.

function demoLink() {
  const match = inject('startOutput').match(/Portal \(demo debtor [^)]*\):\s+(\S+)/);
  if (!match) throw new Error('no demo portal link in the start output');
  return match[1];
}

async function connect() {
  const pid = await fs.readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return postgres(`postgres://postgres:voldaan@127.0.0.1:${Number(pid.split('\n')[3])}/voldaan`, {
    max: 2,
    onnotice: () => {},
  });
}

const admin = demoStaffEmails.find((s) => s.role === 'admin')!;

/** The staff and debtor session cookies of the admin and the demo debtor, signed in once. */
async function openSessions(): Promise<Cookie[]> {
  const context = await browser.newContext({ viewport: LAPTOP, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
  const page = await context.newPage();
  await signInAsStaff(page, baseUrl, admin.email, DEMO_PASSWORD);
  await page.goto(demoLink());
  expect(new URL(page.url()).pathname).toBe('/portal');
  const cookies = (await context.cookies()).filter((c) => c.name !== 'vd_lang');
  await context.close();
  return cookies;
}

/** A context without JavaScript holding the sessions, for filling in forms as a plain browser does. */
async function formContext(sessions: Cookie[]) {
  const context = await browser.newContext({
    viewport: LAPTOP,
    javaScriptEnabled: false,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
  });
  await context.addCookies(sessions);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

async function openInvoices(debtorId: string) {
  return sql<{ id: string; disputed: boolean; planned: boolean }[]>`
    select i.id,
      exists (select 1 from disputes d where d.invoice_id = i.id and d.status not in ('resolved', 'withdrawn')) as disputed,
      exists (select 1 from plan_invoices p join payment_plans pp on pp.id = p.plan_id
        where p.invoice_id = i.id and pp.status in ('proposed', 'countered', 'active')) as planned
    from invoices i
    where i.debtor_id = ${debtorId} and i.status = 'open' and i.open_cents > 0
    order by i.due_date, i.number`;
}

/** An open invoice of the demo debtor that no open dispute and no plan holds, for a fixture to use. */
async function freeInvoice(debtorId: string, purpose: string) {
  const free = (await openInvoices(debtorId)).find((i) => !i.disputed && !i.planned);
  if (!free) throw new Error(`the demo debtor has no open invoice free of disputes and plans to ${purpose}`);
  return free;
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A camt.053 statement of the creditor's account with one incoming transfer nothing points at. */
function camt053(iban: string, day: string, tag: string) {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>SWEEP-${tag}</MsgId><CreDtTm>${day}T18:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>SWEEP-STMT-${tag}</Id>
      <CreDtTm>${day}T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">37.50</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${day}</Dt></BookgDt>
        <ValDt><Dt>${day}</Dt></ValDt>
        <AcctSvcrRef>SWEEP-${tag}-1</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">37.50</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>${esc('J. Jansen')}</Nm></Dbtr><DbtrAcct><Id><IBAN>NL36INGB0007654321</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Ustrd>Overboeking</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`);
}

async function ensureFixtures(sessions: Cookie[]): Promise<Fixtures> {
  const [demo] = await sql<{ orgId: string; debtorId: string }[]>`
    select o.id as "orgId", d.id as "debtorId" from debtors d join organizations o on o.id = d.organization_id
    where o.slug = ${DEMO_ORG_SLUG} and d.email = ${DEMO_DEBTOR_EMAIL}`;
  const { orgId, debtorId } = demo;
  const { context, page } = await formContext(sessions);

  // A dispute: the demo debtor disputes an invoice through the portal's form.
  let [dispute] = await sql<{ id: string }[]>`
    select id from disputes where debtor_id = ${debtorId} order by (status in ('resolved', 'withdrawn')), created_at desc limit 1`;
  if (!dispute) {
    const target = await freeInvoice(debtorId, 'dispute');
    await page.goto(`${baseUrl}/portal/invoices/${target.id}/dispute`);
    await page.locator('input[name="scope"][value="full"]').check();
    await page.locator('input[name="reason"]').first().check();
    await page
      .locator('textarea[name="message"]')
      .fill('The hours on this invoice do not match the work order we signed.');
    await page.locator('form:has(textarea[name="message"]) button[type="submit"]').first().click();
    await page.waitForURL((url) => !url.pathname.endsWith('/dispute'));
    [dispute] = await sql<
      { id: string }[]
    >`select id from disputes where debtor_id = ${debtorId} and invoice_id = ${target.id}`;
  }

  // A plan: the demo debtor proposes one for an invoice no dispute or plan holds.
  let [plan] = await sql<{ id: string }[]>`
    select id from payment_plans where debtor_id = ${debtorId} order by created_at desc limit 1`;
  if (!plan) {
    const target = await freeInvoice(debtorId, 'propose a plan for');
    await page.goto(`${baseUrl}/portal/plan`);
    const boxes = page.locator('input[name="invoice"]:not([disabled])');
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).uncheck();
    await page.locator(`input[name="invoice"][value="${target.id}"]`).check();
    await page.locator('input[name="installmentCount"]').fill('2');
    await page.locator('input[name="frequency"][value="monthly"]').check();
    await page.locator(`button[name="intent"][value="${PLAN_INTENT.propose}"]`).click();
    await page.waitForURL(/\/portal\/plan\/[0-9a-f-]{36}/);
    plan = { id: /plan\/([0-9a-f-]{36})/.exec(page.url())![1] };
  }

  // A payment: the demo debtor pays part of an invoice with the demo provider.
  let [payment] = await sql<{ id: string }[]>`
    select id from payments where debtor_id = ${debtorId} and status = 'paid'
      and provider in ('mollie', 'stripe', 'demo', 'bank_transfer') order by created_at desc limit 1`;
  if (!payment) {
    const target = await freeInvoice(debtorId, 'pay part of');
    await page.goto(`${baseUrl}/portal/pay?invoice=${target.id}`);
    await page.locator('input[name="amountMode"][value="part"]').check();
    await page.locator('input[name="amount"]').fill('25');
    await page.locator('form:has(input[name="amountMode"]) button[type="submit"]:not([value="total"])').click();
    await page.waitForURL(/\/demo-checkout\//);
    await page.locator('button[name="outcome"][value="paid"]').click();
    await page.waitForURL(/\/portal\/pay\/return/);
    [payment] = await sql<{ id: string }[]>`
      select id from payments where debtor_id = ${debtorId} and status = 'paid'
      and provider in ('mollie', 'stripe', 'demo', 'bank_transfer') order by created_at desc limit 1`;
  }

  // A bank statement: finance uploads one with a transfer nothing points at (it waits in the queue).
  let [statement] = await sql<{ id: string }[]>`
    select id from bank_statements where organization_id = ${orgId} order by created_at desc limit 1`;
  if (!statement) {
    const [account] = await sql<
      { iban: string }[]
    >`select iban from bank_accounts where organization_id = ${orgId} limit 1`;
    const [{ today }] = await sql<
      { today: string }[]
    >`select (now() at time zone 'Europe/Amsterdam')::date::text as today`;
    const tag = randomBytes(4).toString('hex');
    await page.goto(`${baseUrl}/app/bank`);
    await page.locator('input[name="file"]').setInputFiles({
      name: `afschrift-${today}.xml`,
      mimeType: 'application/xml',
      buffer: camt053(account.iban, today, tag),
    });
    await page.locator('form:has(input[name="file"]) button[type="submit"]').click();
    await page.locator('form:has(input[name="intent"][value="import"]) button[type="submit"]').click();
    await page.waitForURL(/\/app\/bank\/statements\/[0-9a-f-]{36}/);
    statement = { id: /statements\/([0-9a-f-]{36})/.exec(page.url())![1] };
  }
  await context.close();

  // A staff invitation: only its hash is stored, so the sweep stores one whose token it knows.
  const inviteToken = `sweep-${randomBytes(18).toString('base64url')}`;
  await sql`
    insert into staff_invitations (organization_id, email, role, token_hash, expires_at)
    values (${orgId}, ${`sweep-${randomBytes(3).toString('hex')}@veldkamp.example`}, 'support', ${sha256(inviteToken)},
      now() + interval '7 days')`;

  const invoices = await openInvoices(debtorId);
  const disputable = invoices.find((i) => !i.disputed);
  if (!disputable) throw new Error('the demo debtor has no open invoice without a dispute');
  return {
    orgId,
    debtorId,
    invoiceId: invoices[0].id,
    disputableInvoiceId: disputable.id,
    disputeId: dispute.id,
    planId: plan.id,
    paymentId: payment.id,
    statementId: statement.id,
    inviteToken,
  };
}

// ---------------------------------------------------------------------------------------------
// One visit.

async function languageCookie(lang: Lang) {
  const header = await localeCookie.serialize(lang);
  const value = header.split(';')[0].split('=').slice(1).join('=');
  return { name: 'vd_lang', value, url: baseUrl };
}

type Visit = { viewport: ViewportName; lang: Lang; js: boolean };

/** What a phone's page must look like: no sideways scrolling, a header that leaves room, contact details. */
async function layoutProblems(page: Page, swept: SweptPage, visit: Visit): Promise<string[]> {
  const facts = await page.evaluate(() => {
    const header = document.querySelector('header.portal-header, header.topbar');
    const tops = [...document.querySelectorAll('.portal-nav a, .topbar-nav a')].map((a) =>
      Math.round(a.getBoundingClientRect().top),
    );
    const contact = document.querySelector('#contact');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
      headerHeight: header ? header.getBoundingClientRect().height : null,
      navRows: new Set(tops).size,
      mail: contact?.querySelector('a[href^="mailto:"]') ? true : false,
      tel: contact?.querySelector('a[href^="tel:"]') ? true : false,
      web: contact?.querySelector('a[href^="http"]') ? true : false,
      footer: document.querySelector('footer')?.textContent ?? '',
    };
  });
  const problems: string[] = [];
  if (visit.viewport === 'phone' && facts.scrollWidth > facts.width) {
    problems.push(`scrolls sideways on a phone: ${facts.scrollWidth} px wide in a ${facts.width} px screen`);
  }
  if (swept.audience !== 'public' && swept.status === undefined) {
    if (facts.headerHeight === null) problems.push('no header');
    else if (visit.viewport === 'phone' && facts.headerHeight > HEADER_SHARE * PHONE.height) {
      problems.push(
        `header ${Math.round(facts.headerHeight)} px high: over ${HEADER_SHARE * 100} % of a phone's screen`,
      );
    }
    if (facts.navRows > 1) problems.push(`the header's pages take ${facts.navRows} rows`);
  }
  if (swept.audience === 'portal' && swept.status === undefined) {
    if (!facts.mail || !facts.tel || !facts.web) {
      problems.push(
        `contact block without ${[!facts.mail && 'mailto:', !facts.tel && 'tel:', !facts.web && 'website'].filter(Boolean).join(', ')}`,
      );
    }
    if (/B\.V\.\./.test(facts.footer)) problems.push('footer reads "B.V.."');
  }
  return problems;
}

async function visitPage(
  page: Page,
  errors: ReturnType<typeof recordErrors>,
  swept: SweptPage,
  fixtures: Fixtures,
  visit: Visit,
  sentences: string[],
): Promise<{ problems: string[]; hasForm: boolean }> {
  const problems: string[] = [];
  const target = `${baseUrl}${swept.path(fixtures)}`;
  const response = await page.goto(target, { waitUntil: 'load' });
  const status = response?.status() ?? 0;
  const expected = swept.status ?? 200;
  if (status !== expected) problems.push(`answered ${status}, not ${expected}`);
  const landed = new URL(page.url());
  if (landed.pathname !== new URL(target).pathname) problems.push(`redirected to ${landed.pathname}${landed.search}`);

  let hasForm = false;
  if (visit.js) {
    // Hydration has begun once Remix's router exists; React reports a mismatch while it completes.
    const hydrated = await page
      .waitForFunction(() => '__remixRouter' in window, null, { timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (!hydrated) problems.push('the page never started its scripts');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
    const axe = await axeViolations(page, ['landmark-unique']);
    problems.push(...axe.violations.map((v) => `axe ${v}`));
    if (!axe.ran.includes('landmark-unique')) problems.push('axe did not run landmark-unique');
    hasForm = (await page.locator('main form').count()) > 0;
  }

  if (visit.lang === 'en') {
    const visible = normalize(`${await page.title()}\n${await page.locator('body').innerText()}`);
    for (const sentence of sentences) {
      if (visible.includes(sentence)) problems.push(`Dutch on an English page: "${sentence}"`);
    }
  }
  problems.push(...(await layoutProblems(page, swept, visit)));

  const file = `${swept.name}-${visit.viewport}-${visit.lang}${visit.js ? '' : '-nojs'}.png`;
  await page.screenshot({ path: path.join(SWEEP_SHOTS, file), fullPage: true });

  for (const error of errors.take()) {
    const expectedMiss =
      swept.status !== undefined &&
      error.text.startsWith('Failed to load resource') &&
      error.text.includes(`status of ${swept.status}`) &&
      error.url === response?.url();
    if (!expectedMiss) {
      problems.push(
        `${/#(418|423|425)\b|Hydration|did not match/i.test(error.text) ? 'hydration' : 'console'}: ${error.text.split('\n')[0]} (${error.url})`,
      );
    }
  }
  return { problems: problems.map((p) => `${file}: ${p}`), hasForm };
}

/**
 * Every page in one browser context per viewport, language and JavaScript setting: the public
 * pages first, then (with the sessions added) the portal's and the back office's.
 */
async function sweep(pages: SweptPage[], visit: Visit, sessions: Cookie[], fixtures: Fixtures, sentences: string[]) {
  const context: BrowserContext = await browser.newContext({
    viewport: VIEWPORTS[visit.viewport],
    javaScriptEnabled: visit.js,
    locale: visit.lang === 'nl' ? 'nl-NL' : 'en-GB',
    timezoneId: 'Europe/Amsterdam',
  });
  await context.addCookies([await languageCookie(visit.lang)]);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = recordErrors(page);
  const problems: string[] = [];
  const withForms: SweptPage[] = [];
  const ordered = [...pages.filter((p) => p.audience === 'public'), ...pages.filter((p) => p.audience !== 'public')];
  let signedIn = false;
  for (const swept of ordered) {
    if (swept.audience !== 'public' && !signedIn) {
      await context.addCookies(sessions);
      signedIn = true;
    }
    const result = await visitPage(page, errors, swept, fixtures, visit, sentences);
    problems.push(...result.problems);
    if (result.hasForm) withForms.push(swept);
  }
  await context.close();
  return { problems, withForms };
}

// ---------------------------------------------------------------------------------------------

let sessions: Cookie[];
let fixtures: Fixtures;
let sentences: string[];

beforeAll(async () => {
  ({ browser, close } = await launch());
  sql = await connect();
  await fs.rm(SWEEP_SHOTS, { recursive: true, force: true });
  await fs.mkdir(SWEEP_SHOTS, { recursive: true });
  sentences = dutchSentences();
  sessions = await openSessions();
  fixtures = await ensureFixtures(sessions);
}, 180_000);

afterAll(async () => {
  await sql?.end();
  await close?.();
});

describe('the sweep covers every page', () => {
  it('lists every route module that renders a page, or says why not', async () => {
    const dir = path.resolve('app/routes');
    const rendering: string[] = [];
    for (const file of await fs.readdir(dir)) {
      if (!/\.tsx?$/.test(file) || /\.test\.tsx?$/.test(file)) continue;
      const source = await fs.readFile(path.join(dir, file), 'utf8');
      if (/^export default\b/m.test(source)) rendering.push(file.replace(/\.tsx?$/, ''));
    }
    const swept = new Set(PAGES.map((p) => p.route).filter((r) => r !== null));
    expect(rendering.filter((route) => !swept.has(route) && !(route in NOT_SWEPT))).toEqual([]);
    // Nothing listed that is not there (a renamed route), and nothing both swept and excused.
    expect([...swept, ...Object.keys(NOT_SWEPT)].filter((route) => !rendering.includes(route))).toEqual([]);
    expect(Object.keys(NOT_SWEPT).filter((route) => swept.has(route))).toEqual([]);
    expect(new Set(PAGES.map((p) => p.name)).size).toBe(PAGES.length);
  });

  it('knows the Dutch sentences to look for on English pages', () => {
    expect(sentences.length).toBeGreaterThan(500);
    // A whole sentence, and the piece of one before a placeholder ("… {organization} helpt u graag.").
    expect(sentences).toContain(normalize(portalCatalog.nl['portal.footer.secure']));
    expect(sentences).toContain(normalize(portalCatalog.nl['portal.footer.questions'].split('{')[1].split('}')[1]));
    // The same in both languages ("Contact", "Website"), or too short to tell: not looked for.
    expect(sentences).not.toContain(portalCatalog.nl['portal.nav.contact']);
    expect(sentences.every((s) => s.split(' ').length >= 3)).toBe(true);
  });
});

describe.each(COMBINATIONS)('every page on a $viewport in $lang', ({ viewport, lang }) => {
  it('has no console or hydration error, no axe violation, no Dutch in English, fits, and is photographed', async () => {
    const withJs = await sweep(PAGES, { viewport, lang, js: true }, sessions, fixtures, sentences);
    expect(withJs.withForms.length, 'pages with a form, swept again without JavaScript').toBeGreaterThan(10);
    const withoutJs = await sweep(withJs.withForms, { viewport, lang, js: false }, sessions, fixtures, sentences);
    const problems = [...withJs.problems, ...withoutJs.problems];
    // Beside the screenshots, and in the failure's message: the whole list, however long.
    await fs.writeFile(path.join(SWEEP_SHOTS, `problems-${viewport}-${lang}.txt`), problems.join('\n') + '\n');
    expect(problems, `${problems.length} problems:\n${problems.join('\n')}\n`).toEqual([]);
  }, 300_000);
});

describe('the headers on a phone, by keyboard', () => {
  it('reach every page link with Tab, each shown whole in its scrolling row with a visible focus ring', async () => {
    for (const area of [
      { path: '/portal', row: '.portal-nav' },
      { path: '/app', row: '.topbar-nav' },
    ]) {
      const context = await browser.newContext({ viewport: PHONE, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
      await context.addCookies([await languageCookie('nl'), ...sessions]);
      const page = await context.newPage();
      await page.goto(`${baseUrl}${area.path}`);
      await page.waitForFunction(() => '__remixRouter' in window);
      const links = await page.locator(`${area.row} a`).allTextContents();
      expect(links.length, `links in ${area.row}`).toBeGreaterThanOrEqual(4);
      const reached: string[] = [];
      for (let step = 0; step < 20 && reached.length < links.length; step++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate((row) => {
          const element = document.activeElement as HTMLElement | null;
          const box = element?.closest(row);
          if (!element || !box) return null;
          const r = element.getBoundingClientRect();
          const b = box.getBoundingClientRect();
          const style = getComputedStyle(element);
          return {
            text: element.textContent?.trim() ?? '',
            whole: r.left >= b.left - 1 && r.right <= b.right + 1,
            ring: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
          };
        }, area.row);
        if (!focused) continue;
        expect(focused, `${area.path}: "${focused.text}" with focus`).toMatchObject({ whole: true, ring: true });
        reached.push(focused.text);
      }
      expect(reached).toEqual(links.map((l) => l.trim()));
      await context.close();
    }
  });
});

describe('README screenshots', () => {
  it('photographs the portal overview and the pay page on a phone and the dashboard on a laptop', async () => {
    await fs.mkdir(README_SHOTS, { recursive: true });
    const shots: { file: string; viewport: typeof PHONE; path: string }[] = [
      { file: 'portal-phone.png', viewport: PHONE, path: '/portal' },
      { file: 'pay-phone.png', viewport: PHONE, path: '/portal/pay' },
      { file: 'dashboard-desktop.png', viewport: LAPTOP, path: '/app' },
    ];
    for (const shot of shots) {
      const context = await browser.newContext({
        viewport: shot.viewport,
        deviceScaleFactor: 1,
        locale: 'en-GB',
        timezoneId: 'Europe/Amsterdam',
      });
      await context.addCookies([await languageCookie('en'), ...sessions]);
      const page = await context.newPage();
      const response = await page.goto(`${baseUrl}${shot.path}`);
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe(shot.path);
      await page.screenshot({ path: path.join(README_SHOTS, shot.file) });
      const size = (await fs.stat(path.join(README_SHOTS, shot.file))).size;
      expect(size, `${shot.file} stays small`).toBeLessThan(400_000);
      await context.close();
    }
  });
});
