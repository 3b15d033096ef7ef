/**
 * Stored and reflected XSS: script-bearing text in every free-text field a debtor, a staff member
 * or an API client can set (and in a few only the database holds, for depth), stored through the
 * app's own doors (API, CSV import, portal and back-office forms), then every page that shows
 * them, in the portal, the back office and the development mail outbox. No page carries the
 * markup unescaped, every script element carries the response's CSP nonce, and the CSP allows
 * no inline script without it. Each field's marker is shown on some page (the control: the field
 * was rendered, and rendered as text).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { communications, debtors, invoices, paymentPlans } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { createOrganization, createStaff } from '~test/factories';
import { createApiKeyFor } from '~test/factories-intake';
import {
  dayFromToday,
  heldDebtor,
  PDF_BYTES,
  portalCookie,
  postFields,
  postMultipart,
  staffCookie,
  startHeldApp,
} from './held-world';
import { MODES, showsStack, type Answer, type RunningApp } from './harness';

/** Everything a browser would run if it reached the page as markup. */
const SCRIPTS = `<script>alert(1)</script>"><img src=x onerror=alert(1)></style><script>alert(2)</script>'><svg onload=alert(3)></script><script>alert(4)</script>`;
/** A field's value: its marker (to find it on a page), then the payloads. */
const payload = (marker: string) => `${marker}${SCRIPTS}`;
/** For fields of 100 characters or fewer. */
const mediumPayload = (marker: string) => `${marker}<script>alert(1)</script>"><img src=x onerror=alert(1)>`;
/** For fields of 40 characters or fewer. */
const shortPayload = (marker: string) => `${marker}"><img src=x onerror=alert(1)>`;

/** The ways a page can carry markup that runs: each must be absent. */
function injectedMarkup(html: string): string[] {
  const found: string[] = [];
  if (/<script[^>]*>\s*alert\(/i.test(html)) found.push('a <script> element around alert()');
  if (/<img\b[^>]*\bonerror\b/i.test(html)) found.push('an <img> with onerror');
  if (/<svg\b[^>]*\bonload\b/i.test(html)) found.push('an <svg> with onload');
  if (/<\/style>\s*<script/i.test(html)) found.push('a style element broken out of');
  if (/\s(href|src|action|formaction)\s*=\s*["']?\s*javascript:/i.test(html)) found.push('a javascript: URL');
  for (const [tag, attributes] of html.matchAll(/<script\b([^>]*)>/gi)) {
    if (!/\snonce="[^"]+"/.test(attributes)) found.push(`a script element without the nonce: ${tag}`);
  }
  return found;
}

/** The page's visible markup: the nonce'd scripts (Remix's data) taken out. */
const markupOnly = (html: string) => html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');

function expectSafePage(path: string, answer: Answer) {
  expect(answer.status, path).toBe(200);
  expect(injectedMarkup(answer.body), path).toEqual([]);
  expect(showsStack(answer.body), path).toBe(false);
  if (/text\/html/.test(String(answer.headers['content-type']))) {
    const csp = String(answer.headers['content-security-policy']);
    const directive = (name: string) => csp.split(';').find((d) => d.trim().startsWith(`${name} `));
    // Scripts fall under script-src, else default-src: a nonce, or no script at all ('none').
    const scriptPolicy = directive('script-src') ?? directive('default-src') ?? '';
    expect(scriptPolicy, path).toMatch(/'nonce-[^']+'|'none'/);
    expect(scriptPolicy, path).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:|https?:/);
    const nonce = /'nonce-([^']+)'/.exec(scriptPolicy)?.[1];
    for (const [tag, attributes] of answer.body.matchAll(/<script\b([^>]*)>/gi)) {
      expect(nonce, `${path}: ${tag}`).toBeDefined();
      expect(attributes, path).toContain(`nonce="${nonce}"`);
    }
  }
}

describe.each(MODES)('stored and reflected XSS in %s mode', (mode) => {
  let app: RunningApp;
  const pages = new Map<string, Answer>();
  /** Field markers that must be shown somewhere, with where they came from. */
  const fields: Record<string, string> = {};

  beforeAll(async () => {
    app = await startHeldApp(mode);
    const suffix = mode === 'production' ? 'p' : 'd';
    const m = (name: string) => {
      const marker = `xss${name}${suffix}`;
      fields[marker] = name;
      return marker;
    };

    // The creditor and its staff: names only the database (and the settings pages) set.
    const org = await createOrganization({ name: payload(m('orgname')) });
    const admin = await createStaff(org, 'admin', { name: payload(m('staffname')) });
    const { key } = await createApiKeyFor(org);
    const staff = await staffCookie(app, admin);
    const api = (path: string, json: unknown) =>
      app.request(path, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      });

    // An API client's debtor and invoice.
    const ref = `${m('dref')}<b>`;
    const putDebtor = await api(`/api/v1/debtors/${encodeURIComponent(ref)}`, {
      kind: 'consumer',
      name: payload(m('dname')),
      email: 'xss-debtor@example.nl',
      locale: 'en',
      contactName: payload(m('dcontact')),
      addressLine: payload(m('daddress')),
      city: mediumPayload(m('dcity')),
      postalCode: `${m('pc')}<b>`,
      phone: shortPayload(m('phone')),
      vatNumber: `${m('vat')}<svg>`,
    });
    expect(putDebtor.status, putDebtor.body).toBeLessThan(300);
    const number = `${m('inum')}"><svg onload=alert(1)>`;
    const putInvoice = await api(`/api/v1/invoices/${encodeURIComponent(number)}`, {
      debtor: { externalRef: ref },
      issueDate: dayFromToday(-40),
      dueDate: dayFromToday(-20),
      totalCents: 12_100,
      description: payload(m('idesc')),
      paymentReference: `${m('iref')}<svg onload=alert(1)>`,
      externalRef: payload(m('iext')),
      lines: [
        {
          description: payload(m('iline')),
          quantity: 1,
          unitPriceCents: 10_000,
          vatRatePercent: 21,
          amountCents: 10_000,
        },
      ],
    });
    expect(putInvoice.status, putInvoice.body).toBeLessThan(300);
    const [debtor] = await getDb().select().from(debtors).where(eq(debtors.externalRef, ref));
    const [shown] = await getDb().select().from(invoices).where(eq(invoices.number, number));
    const [forDispute, forPlan] = await Promise.all(
      ['disp', 'plan'].map(async (n) => {
        const answer = await api(`/api/v1/invoices/${n}-${suffix}`, {
          debtor: { externalRef: ref },
          issueDate: dayFromToday(-40),
          dueDate: dayFromToday(-20),
          totalCents: 30_000,
        });
        expect(answer.status, answer.body).toBeLessThan(300);
        const [row] = await getDb()
          .select()
          .from(invoices)
          .where(eq(invoices.number, `${n}-${suffix}`));
        return row;
      }),
    );
    await getDb().update(invoices).set({ pdfFileId: null }).where(eq(invoices.id, shown.id));

    // A CSV import by finance: preview, then the import the preview hands back.
    const csv = [
      'invoice_number;debtor_ref;debtor_name;debtor_email;debtor_kind;issue_date;due_date;amount;description',
      `csv-${suffix}-1;csvref-${suffix};"${payload(m('csvname')).replace(/"/g, '""')}";csv-${suffix}@example.nl;consumer;${dayFromToday(-40)};${dayFromToday(-20)};45,00;"${payload(m('csvdesc')).replace(/"/g, '""')}"`,
    ].join('\n');
    const preview = await postMultipart(app, '/app/imports', staff, { intent: 'csv-preview' }, [
      {
        field: 'file',
        name: `${m('csvfile')}"><img src=x onerror=alert(1)>.csv`,
        type: 'text/csv',
        data: Buffer.from(csv),
      },
    ]);
    pages.set('/app/imports (CSV preview)', preview);
    const hidden = (name: string) =>
      (new RegExp(`name="${name}" value="([^"]*)"`).exec(preview.body)?.[1] ?? '')
        .replace(/&quot;/g, '"')
        .replace(/&#x27;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    const imported = await postFields(app, '/app/imports', staff, [
      ['intent', 'csv-import'],
      ['payload', hidden('payload')],
      ['filename', hidden('filename')],
    ]);
    pages.set('/app/imports (CSV import)', imported);

    // The debtor in the portal: a dispute with an attachment, a plan proposal.
    const portal = await portalCookie(app, debtor);
    const dispute = await postMultipart(
      app,
      `/portal/invoices/${forDispute.id}/dispute`,
      portal,
      { scope: 'full', reason: 'amount_wrong', message: payload(m('dmsg')) },
      [
        {
          field: 'attachments',
          // Remix's multipart parser refuses "=" and ";" in a file name: the rest of the markup gets through.
          name: `${m('attname')}<svg onload>'<img src onerror>.pdf`,
          type: 'application/pdf',
          data: PDF_BYTES('x'),
        },
      ],
    );
    expect(dispute.status).toBe(302);
    const disputePath = dispute.headers.location!.split('?')[0];
    const plan = await postFields(app, '/portal/plan', portal, [
      ['intent', 'propose'],
      ['invoice', forPlan.id],
      ['installmentCount', '3'],
      ['frequency', 'monthly'],
      ['firstDate', dayFromToday(10)],
      ['reason', payload(m('planreason'))],
    ]);
    expect(plan.status, plan.body.slice(0, 300)).toBe(302);
    const planPath = plan.headers.location!.split('?')[0];

    // Staff: answers and notes on the dispute, holds with notes, a rejected plan with a reason, an API key's name.
    const disputeId = disputePath.split('/').pop()!;
    for (const [intent, marker] of [
      ['reply', 'staffreply'],
      ['note', 'staffnote'],
    ]) {
      const answer = await postMultipart(app, `/app/disputes/${disputeId}`, staff, {
        intent,
        message: payload(m(marker)),
      });
      expect(answer.status, intent).toBe(302);
    }
    const invoiceHold = await postFields(app, `/app/invoices/${shown.id}`, staff, [
      ['intent', 'hold'],
      ['until', dayFromToday(20)],
      ['note', payload(m('iholdnote'))],
    ]);
    expect(invoiceHold.status).toBe(200);
    const hold = await postFields(app, `/app/debtors/${debtor.id}`, staff, [
      ['intent', 'hold'],
      ['until', dayFromToday(20)],
      ['note', payload(m('holdnote'))],
    ]);
    expect(hold.status).toBe(200);
    const other = await heldDebtor(org);
    await getDb()
      .update(paymentPlans)
      .set({ status: 'proposed', decidedAt: null })
      .where(eq(paymentPlans.id, other.planId));
    const rejected = await postFields(app, `/app/plans/${other.planId}`, staff, [
      ['intent', 'reject'],
      ['reason', payload(m('rejectreason'))],
    ]);
    expect(rejected.status, rejected.body.slice(0, 300)).toBe(302);
    const keyCreated = await postFields(app, '/app/settings/api-keys', staff, [
      ['intent', 'create'],
      ['name', payload(m('keyname')).slice(0, 100)],
    ]);
    pages.set('/app/settings/api-keys (created)', keyCreated);

    // Every page that shows them.
    const otherPortal = await portalCookie(app, other.debtor);
    const portalPaths = [
      '/portal',
      `/portal/invoices/${shown.id}`,
      `/portal/invoices/${forDispute.id}`,
      `/portal/invoices/${shown.id}/dispute`,
      '/portal/history',
      '/portal/pay',
      '/portal/pay?choose=1',
      `/portal/pay?invoice=${shown.id}`,
      `/portal/pay/transfer?invoice=${shown.id}`,
      '/portal/disputes',
      disputePath,
      '/portal/plan',
      planPath,
      '/portal/promise',
    ];
    for (const path of portalPaths) pages.set(path, await app.request(path, { headers: { cookie: portal } }));
    pages.set(
      `${planPath} (rejected, other debtor)`,
      await app.request(`/portal/plan/${other.planId}`, { headers: { cookie: otherPortal } }),
    );
    const backOfficePaths = [
      '/app',
      '/app/debtors',
      `/app/debtors?q=${encodeURIComponent('xss')}`,
      `/app/debtors/${debtor.id}`,
      '/app/invoices',
      `/app/invoices?q=${encodeURIComponent('xss')}`,
      `/app/invoices/${shown.id}`,
      '/app/disputes',
      `/app/disputes/${disputeId}`,
      '/app/plans',
      planPath.replace('/portal/plan/', '/app/plans/'),
      `/app/plans/${other.planId}`,
      '/app/settings',
      '/app/settings/api-keys',
      '/app/settings/team',
      '/app/settings/branding',
      '/app/imports',
    ];
    const [csvInvoice] = await getDb()
      .select()
      .from(invoices)
      .where(eq(invoices.number, `csv-${suffix}-1`));
    backOfficePaths.push(`/app/invoices/${csvInvoice.id}`, `/app/debtors/${csvInvoice.debtorId}`);
    for (const path of backOfficePaths) pages.set(path, await app.request(path, { headers: { cookie: staff } }));
    if (mode === 'development') {
      pages.set('/dev/mail', await app.request('/dev/mail'));
      const sent = await getDb()
        .select({ id: communications.id })
        .from(communications)
        .where(eq(communications.organizationId, org.id));
      for (const { id } of sent) {
        pages.set(`/dev/mail/${id}`, await app.request(`/dev/mail/${id}`));
        pages.set(`/dev/mail/${id}/html`, await app.request(`/dev/mail/${id}/html`));
      }
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('no page carries the stored markup unescaped, and every script element carries the nonce', () => {
    expect(pages.size).toBeGreaterThan(30);
    for (const [path, answer] of pages) expectSafePage(path, answer);
  });

  it("every field's text is shown on some page, as text (the control)", () => {
    const shownMarkup = [...pages.values()].map((a) => markupOnly(a.body)).join('\n');
    const missing = Object.entries(fields).filter(([marker]) => !shownMarkup.includes(marker));
    expect(missing.map(([, name]) => name)).toEqual([]);
    // And the payload around it came out as text: its escaped form is on the pages.
    expect(shownMarkup).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('a malformed brand colour in the database (no form accepts one) never reaches the CSS', async () => {
    const org = await createOrganization({ brandColor: '#fff}</style><script>alert(5)</script>' });
    const held = await heldDebtor(org);
    const cookie = await portalCookie(app, held.debtor);
    const page = await app.request('/portal', { headers: { cookie } });
    expectSafePage('/portal', page);
    expect(page.body).toContain('.portal{--brand:#0b5d4b;');
  });

  it('uploads that would run as script are refused; attachments are served as downloads that cannot run', async () => {
    const org = await createOrganization();
    const held = await heldDebtor(org);
    const cookie = await portalCookie(app, held.debtor);
    const hostile: [string, string, Buffer][] = [
      ['page.html', 'text/html', Buffer.from('<html><script>alert(1)</script></html>')],
      ['image.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
      ['page.pdf', 'application/pdf', Buffer.from('<html><script>alert(1)</script></html>')],
      ['scan.png', 'image/png', Buffer.from('<script>alert(1)</script>')],
      ['run.pdf', 'application/pdf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00])],
    ];
    for (const [name, type, data] of hostile) {
      const answer = await postMultipart(
        app,
        `/portal/disputes/${held.disputeId}`,
        cookie,
        { intent: 'reply', message: `With ${name}` },
        [{ field: 'attachments', name, type, data }],
      );
      expect(answer.status, name).toBe(400);
      expect(injectedMarkup(answer.body), name).toEqual([]);
    }
    const file = await app.request(`/portal/disputes/${held.disputeId}/attachments/${held.attachmentId}`, {
      headers: { cookie },
    });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    // Browsers read the first value (Fetch: "X-Content-Type-Options"); the app's and the route's may both be sent.
    expect(file.headers['x-content-type-options']).toMatch(/^nosniff(,\s*nosniff)*$/);
    expect(file.headers['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
  });

  it('text reflected from the address (search, filters, pages) is escaped', async () => {
    const staffOrg = await createOrganization();
    const staff = await staffCookie(app, await createStaff(staffOrg, 'admin'));
    const reflected = encodeURIComponent(SCRIPTS);
    const paths = [
      `/app/debtors?q=${reflected}`,
      `/app/debtors?filter=${reflected}&page=${reflected}`,
      `/app/invoices?q=${reflected}&status=${reflected}&paused=${reflected}&stage=${reflected}`,
      `/app/disputes?status=${reflected}&age=${reflected}&assignee=${reflected}`,
      `/app/settings/api-keys?revoke=${reflected}&revoked=${reflected}`,
    ];
    for (const path of paths) expectSafePage(path, await app.request(path, { headers: { cookie: staff } }));
    for (const path of [
      `/login?redirectTo=${reflected}`,
      `/link-help?reason=${reflected}&o=${reflected}`,
      `/portal/signed-out?reason=${reflected}`,
    ]) {
      expectSafePage(path, await app.request(path));
    }
  });
});
