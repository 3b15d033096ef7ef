/**
 * What the "classes that held" cases share: the app started with a link key both the test and
 * the built app know, sessions opened the way a browser gets them (over HTTP, from the built app,
 * so the cookie's name and flags are the mode's), and a world of two creditors with two debtors
 * each, every debtor with invoices, a payment, a plan, a promise and a dispute with an attachment.
 */
import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import {
  disputeAttachments,
  disputeMessages,
  files,
  invoices,
  planInstallments,
  type Debtor,
  type Invoice,
  type Organization,
  type StaffUser,
} from '~db/schema';
import { openDispute } from '~/modules/disputes/debtor.server';
import { generateSigningJwk, keyRingFromJwks, setKeyRing } from '~/modules/links/keys.server';
import { issuePortalLink } from '~/modules/links/links.server';
import { makePromise, proposePlan } from '~/modules/plans/debtor.server';
import { amsterdamDate, systemClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization, createStaff, TEST_PASSWORD } from '~test/factories';
import { createPayment } from '~test/factories-backoffice';
import { createApiKeyFor } from '~test/factories-intake';
import { sessionOf } from '~test/factories-plans';
import { startApp, type Answer, type Mode, type RunningApp } from './harness';

/** One Ed25519 key set per test file, given to the app in both modes and used by the test to mint links. */
let linkKeys: Promise<string> | undefined;
export function portalSigningKeys() {
  linkKeys ??= (async () => JSON.stringify({ keys: [await generateSigningJwk('held-1')] }))();
  return linkKeys;
}

/** startApp with the file's link key set, which the test's own link module signs with too. */
export async function startHeldApp(mode: Mode, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const keys = await portalSigningKeys();
  const app = await startApp(mode, { PORTAL_SIGNING_KEYS: keys, ...extraEnv });
  setKeyRing(await keyRingFromJwks(keys));
  return app;
}

/** The name=value pair of the first Set-Cookie of an answer, or null. */
export function cookieOf(answer: Answer): string | null {
  const header = answer.headers['set-cookie']?.[0];
  return header ? header.split(';')[0] : null;
}

/** A fresh signed link for the debtor (issued and recorded as the app issues them). */
export async function mintLink(debtor: Pick<Debtor, 'id' | 'organizationId'>) {
  return getDb().transaction((tx) =>
    issuePortalLink(tx, { organizationId: debtor.organizationId, debtorId: debtor.id, purpose: 'reminder' }),
  );
}

/** Follows a fresh link on the running app: the portal cookie a debtor's browser gets. */
export async function portalCookie(app: RunningApp, debtor: Pick<Debtor, 'id' | 'organizationId'>) {
  const link = await mintLink(debtor);
  const answer = await app.request(`/l/${link.token}`);
  const cookie = cookieOf(answer);
  if (answer.status !== 303 || !cookie) throw new Error(`the link did not open a session (${answer.status})`);
  return cookie;
}

let signIns = 0;
/** Signs a staff member in through the running app's login form: the staff cookie. */
export async function staffCookie(app: RunningApp, staff: Pick<StaffUser, 'email'>) {
  signIns += 1;
  const answer = await app.postForm(
    '/login',
    { email: staff.email, password: TEST_PASSWORD },
    // The login throttle counts per address; each sign-in comes from its own (used where a proxy is trusted).
    { 'x-forwarded-for': `10.77.${Math.floor(signIns / 250)}.${signIns % 250}` },
  );
  const cookie = cookieOf(answer);
  if (answer.status !== 302 || !cookie) throw new Error(`sign-in failed (${answer.status})`);
  return cookie;
}

/** A multipart/form-data body as a browser sends it, built by the platform's own FormData. */
export async function multipartBody(
  fields: Record<string, string | string[]>,
  uploads: { field: string; name: string; type: string; data: Buffer }[] = [],
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(key, v);
  for (const u of uploads) form.append(u.field, new File([new Uint8Array(u.data)], u.name, { type: u.type }));
  const request = new Request('http://held.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

/** A same-origin multipart post, as the browser sends an upload form of the app's own pages. */
export async function postMultipart(
  app: RunningApp,
  path: string,
  cookie: string,
  fields: Record<string, string | string[]>,
  uploads: { field: string; name: string; type: string; data: Buffer }[] = [],
) {
  const { body, contentType } = await multipartBody(fields, uploads);
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': contentType, cookie, origin: app.origin, 'sec-fetch-site': 'same-origin' },
    body,
  });
}

/** A same-origin form post with repeated fields (invoice=a&invoice=b), with the session cookie. */
export function postFields(app: RunningApp, path: string, cookie: string, fields: [string, string][]) {
  return app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie,
      origin: app.origin,
      'sec-fetch-site': 'same-origin',
    },
    body: new URLSearchParams(fields).toString(),
  });
}

export const PDF_BYTES = (marker: string) =>
  Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);

/** A stored file (PDF) of the organization, e.g. an invoice's PDF. */
export async function storeFile(org: Pick<Organization, 'id'>, filename: string, data: Buffer) {
  const [file] = await getDb()
    .insert(files)
    .values({
      organizationId: org.id,
      filename,
      contentType: 'application/pdf',
      sizeBytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      data,
    })
    .returning();
  return file;
}

/** Today in Amsterdam plus `days`, as the portal's forms want dates (the app runs on the system clock). */
export function dayFromToday(days: number) {
  const today = amsterdamDate(systemClock.now());
  return new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export type HeldDebtor = {
  org: Organization;
  debtor: Debtor;
  /** [0] has a plan, [1] a promise, [2] a dispute with an attachment, [3] stays plain and open, [4] is paid. */
  invoices: Invoice[];
  /** A word found only in this debtor's data (names, numbers, file contents), to look for in answers. */
  marker: string;
  pdfMarker: string;
  planId: string;
  installmentId: string;
  disputeId: string;
  attachmentId: string;
  attachmentMarker: string;
  paymentId: string;
};

/** A debtor of `org` with every kind of object, created by the services the portal calls. */
export async function heldDebtor(org: Organization): Promise<HeldDebtor> {
  const marker = `held${randomBytes(5).toString('hex')}`;
  const debtor = await createDebtor(org, { name: `Naam ${marker}`, locale: 'en' });
  const due = dayFromToday(-25);
  const invoiceList: Invoice[] = [];
  for (const [i, cents] of [40_000, 12_000, 9_000, 5_500, 7_000].entries()) {
    invoiceList.push(
      await createInvoice(org, debtor, {
        number: `${marker}-${i}`,
        description: `Omschrijving ${marker}`,
        totalCents: cents,
        openCents: i === 4 ? 0 : cents,
        status: i === 4 ? 'paid' : 'open',
        dueDate: due,
        dunningStage: 1,
      }),
    );
  }
  const pdfMarker = `pdf${marker}`;
  const pdf = await storeFile(org, `${marker}.pdf`, PDF_BYTES(pdfMarker));
  await getDb().update(invoices).set({ pdfFileId: pdf.id }).where(eq(invoices.id, invoiceList[3].id));
  const session = sessionOf(org, debtor);

  const plan = await proposePlan(session, {
    invoiceIds: [invoiceList[0].id],
    installmentCount: 4,
    frequency: 'monthly',
    firstDate: dayFromToday(10),
    downPaymentCents: 0,
    reason: `Reden ${marker}`,
  });
  if (!plan.ok) throw new Error(`plan refused: ${JSON.stringify(plan.errors)}`);
  const [installment] = await getDb().select().from(planInstallments).where(eq(planInstallments.planId, plan.plan.id));

  const promise = await makePromise(session, { invoiceIds: [invoiceList[1].id], date: dayFromToday(7) });
  if (!promise.ok) throw new Error(`promise refused: ${JSON.stringify(promise.errors)}`);

  const attachmentMarker = `att${marker}`;
  const attachmentData = PDF_BYTES(attachmentMarker);
  const dispute = await openDispute(session, {
    invoiceId: invoiceList[2].id,
    amountCents: null,
    reason: 'amount_wrong',
    message: `Bericht ${marker}`,
    files: [
      {
        filename: `${attachmentMarker}.pdf`,
        contentType: 'application/pdf',
        data: attachmentData,
        sizeBytes: attachmentData.length,
        sha256: createHash('sha256').update(attachmentData).digest('hex'),
      },
    ],
  });
  if (!dispute.ok) throw new Error(`dispute refused: ${dispute.error}`);
  const [attachment] = await getDb()
    .select({ id: disputeAttachments.id })
    .from(disputeAttachments)
    .innerJoin(disputeMessages, eq(disputeMessages.id, disputeAttachments.messageId))
    .where(eq(disputeMessages.disputeId, dispute.disputeId));

  const payment = await createPayment(org, debtor, {
    amountCents: 7_000,
    status: 'paid',
    paidAt: new Date(Date.parse(`${due}T10:00:00Z`)),
    allocations: [{ invoice: invoiceList[4], amountCents: 7_000 }],
  });

  return {
    org,
    debtor,
    invoices: invoiceList,
    marker,
    pdfMarker,
    planId: plan.plan.id,
    installmentId: installment.id,
    disputeId: dispute.disputeId,
    attachmentId: attachment.id,
    attachmentMarker,
    paymentId: payment.id,
  };
}

export type HeldOrg = {
  org: Organization;
  admin: StaffUser;
  debtors: [HeldDebtor, HeldDebtor];
  apiKey: string;
};

/** A creditor with an admin, an API key and two fully furnished debtors. */
export async function heldOrg(): Promise<HeldOrg> {
  const org = await createOrganization({ name: `Crediteur ${randomBytes(3).toString('hex')}` });
  const admin = await createStaff(org, 'admin');
  const { key } = await createApiKeyFor(org);
  return { org, admin, debtors: [await heldDebtor(org), await heldDebtor(org)], apiKey: key };
}
