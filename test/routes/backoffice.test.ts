/**
 * The back-office routes as a browser uses them: role checks on every settings page, scoping
 * between organizations, and the settings forms (400 with errors by field, saved otherwise).
 */
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, dunningPauses, files, organizations, staffUsers } from '~db/schema';
import * as brandLogo from '~/routes/brand.$orgId.logo';
import * as dashboard from '~/routes/app._index';
import * as debtorPage from '~/routes/app.debtors.$id';
import * as debtorList from '~/routes/app.debtors._index';
import * as invoicePage from '~/routes/app.invoices.$id';
import * as invoicePdf from '~/routes/app.invoices.$id_.pdf';
import * as invoiceList from '~/routes/app.invoices._index';
import * as settingsLayout from '~/routes/app.settings';
import * as settingsIndex from '~/routes/app.settings._index';
import * as apiKeys from '~/routes/app.settings.api-keys';
import * as branding from '~/routes/app.settings.branding';
import * as disputeSettings from '~/routes/app.settings.disputes';
import * as dunningSettings from '~/routes/app.settings.dunning';
import * as paymentSettings from '~/routes/app.settings.payments';
import * as planSettings from '~/routes/app.settings.plans';
import * as team from '~/routes/app.settings.team';
import * as invite from '~/routes/invite.$token';
import { DEBTOR_INTENT, TEAM_INTENT } from '~/modules/backoffice/intents';
import { LOGO_MAX_BYTES } from '~/modules/backoffice/image-type';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';

type Route = { loader: (args: never) => Promise<unknown>; action?: (args: never) => Promise<unknown> };

/** The HTTP status a loader/action result stands for: a thrown or returned Response, data() with a status, or 200. */
function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === 'object' && 'init' in result) {
    return (result as { init?: { status?: number } | null }).init?.status ?? 200;
  }
  return 200;
}
function dataOf<T = Record<string, unknown>>(result: unknown): T {
  if (result && typeof result === 'object' && 'data' in result && 'init' in result) return (result as { data: T }).data;
  return result as T;
}

const load = (route: Route, url: string, cookie: string, params: Record<string, string> = {}) =>
  settle(() => route.loader(routeArgs(getRequest(url, { cookie }), params) as never));
const post = (
  route: Route,
  url: string,
  cookie: string,
  fields: Record<string, string | string[]>,
  params: Record<string, string> = {},
) => settle(() => route.action!(routeArgs(formRequest(url, fields, { cookie }), params) as never));
function postMultipart(route: Route, url: string, cookie: string, form: FormData) {
  const request = new Request(new URL(url, 'http://voldaan.test'), {
    method: 'POST',
    body: form,
    headers: { Cookie: cookie },
  });
  return settle(() => route.action!(routeArgs(request) as never));
}

async function orgWithStaff() {
  const org = await createOrganization();
  const [admin, finance, support] = await Promise.all([
    createStaff(org, 'admin'),
    createStaff(org, 'finance'),
    createStaff(org, 'support'),
  ]);
  const cookies = {
    admin: await staffCookie(admin),
    finance: await staffCookie(finance),
    support: await staffCookie(support),
  };
  return { org, admin, finance, support, cookies };
}

const SETTINGS_PAGES: [string, Route][] = [
  ['/app/settings (layout)', settingsLayout as Route],
  ['/app/settings', settingsIndex as Route],
  ['/app/settings/branding', branding as Route],
  ['/app/settings/dunning', dunningSettings as Route],
  ['/app/settings/plans', planSettings as Route],
  ['/app/settings/disputes', disputeSettings as Route],
  ['/app/settings/payments', paymentSettings as Route],
  ['/app/settings/team', team as Route],
  ['/app/settings/api-keys', apiKeys as Route],
];

describe('settings are for admins only', () => {
  it('answers 403 to support and finance on every settings page, read and write, and 200 to an admin', async () => {
    const { org, cookies } = await orgWithStaff();
    for (const [path, route] of SETTINGS_PAGES) {
      const url = path.replace(' (layout)', '');
      for (const role of ['support', 'finance'] as const) {
        expect([path, role, statusOf(await load(route, url, cookies[role]))]).toEqual([path, role, 403]);
        if (route.action) {
          expect([path, role, 'POST', statusOf(await post(route, url, cookies[role], { intent: 'x' }))]).toEqual([
            path,
            role,
            'POST',
            403,
          ]);
        }
      }
      expect([path, 'admin', statusOf(await load(route, url, cookies.admin))]).toEqual([path, 'admin', 200]);
    }
    // Nothing was changed by the refused writes.
    const changes = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.entityType, 'organization')));
    expect(changes).toEqual([]);
  });

  it('sends someone who is not signed in to the login page', async () => {
    const result = await settle(() => branding.loader(routeArgs(getRequest('/app/settings/branding')) as never));
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get('Location')).toBe('/login?redirectTo=%2Fapp%2Fsettings%2Fbranding');
  });
});

describe('every staff member reads; finance and admin act', () => {
  it('shows the dashboard, lists and pages to support, but refuses their actions', async () => {
    const { org, cookies } = await orgWithStaff();
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor, { dueDate: '2026-01-05' });
    expect(statusOf(await load(dashboard as Route, '/app', cookies.support))).toBe(200);
    expect(statusOf(await load(debtorList as Route, '/app/debtors?q=x&filter=bogus&page=-3', cookies.support))).toBe(
      200,
    );
    expect(
      statusOf(await load(invoiceList as Route, '/app/invoices?status=overdue&stage=1&paused=manual', cookies.support)),
    ).toBe(200);
    expect(
      statusOf(await load(debtorPage as Route, `/app/debtors/${debtor.id}`, cookies.support, { id: debtor.id })),
    ).toBe(200);
    expect(
      statusOf(await load(invoicePage as Route, `/app/invoices/${invoice.id}`, cookies.support, { id: invoice.id })),
    ).toBe(200);

    const refused = await post(
      debtorPage as Route,
      `/app/debtors/${debtor.id}`,
      cookies.support,
      { intent: DEBTOR_INTENT.hold },
      { id: debtor.id },
    );
    expect(statusOf(refused)).toBe(403);
    const held = await post(
      debtorPage as Route,
      `/app/debtors/${debtor.id}`,
      cookies.finance,
      { intent: DEBTOR_INTENT.hold, until: '', note: 'gebeld' },
      { id: debtor.id },
    );
    expect(statusOf(held)).toBe(200);
    expect(dataOf(held)).toEqual({ done: 'held', count: 1 });
    const pauses = await getDb()
      .select()
      .from(dunningPauses)
      .where(and(eq(dunningPauses.invoiceId, invoice.id), isNull(dunningPauses.liftedAt)));
    expect(pauses.map((p) => p.reason)).toEqual(['manual']);

    const badDate = await post(
      debtorPage as Route,
      `/app/debtors/${debtor.id}`,
      cookies.finance,
      { intent: DEBTOR_INTENT.hold, until: '2020-01-01' },
      { id: debtor.id },
    );
    expect(statusOf(badDate)).toBe(400);
    expect(dataOf(badDate)).toMatchObject({ errors: { until: { key: 'bo.debtor.hold.untilRange' } } });

    const lifted = await post(
      debtorPage as Route,
      `/app/debtors/${debtor.id}`,
      cookies.admin,
      { intent: DEBTOR_INTENT.liftHold },
      { id: debtor.id },
    );
    expect(dataOf(lifted)).toEqual({ done: 'lifted', count: 1 });
  });

  it('answers 404 for another organization’s debtor or invoice, to reads and to actions', async () => {
    const { cookies } = await orgWithStaff();
    const other = await createOrganization();
    const theirs = await createDebtor(other);
    const theirInvoice = await createInvoice(other, theirs);
    expect(
      statusOf(await load(debtorPage as Route, `/app/debtors/${theirs.id}`, cookies.admin, { id: theirs.id })),
    ).toBe(404);
    expect(statusOf(await load(debtorPage as Route, '/app/debtors/nope', cookies.admin, { id: 'nope' }))).toBe(404);
    expect(
      statusOf(
        await load(invoicePage as Route, `/app/invoices/${theirInvoice.id}`, cookies.admin, { id: theirInvoice.id }),
      ),
    ).toBe(404);
    expect(
      statusOf(
        await load(invoicePdf as Route, `/app/invoices/${theirInvoice.id}/pdf`, cookies.admin, { id: theirInvoice.id }),
      ),
    ).toBe(404);
    for (const intent of Object.values(DEBTOR_INTENT)) {
      const result = await post(
        debtorPage as Route,
        `/app/debtors/${theirs.id}`,
        cookies.admin,
        // Confirmed (revoke_links asks first), so each attempt gets as far as it can.
        { intent, confirm: 'yes' },
        { id: theirs.id },
      );
      expect([intent, statusOf(result)]).toEqual([intent, 404]);
    }
    expect(
      statusOf(
        await post(
          invoicePage as Route,
          `/app/invoices/${theirInvoice.id}`,
          cookies.admin,
          { intent: 'hold' },
          { id: theirInvoice.id },
        ),
      ),
    ).toBe(404);
    expect(await getDb().select().from(dunningPauses).where(eq(dunningPauses.invoiceId, theirInvoice.id))).toEqual([]);
    const list = dataOf<{ rows: unknown[] }>(
      await load(debtorList as Route, `/app/debtors?q=${encodeURIComponent(theirs.name)}`, cookies.admin),
    );
    expect(list.rows).toEqual([]);
  });
});

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('branding', () => {
  it('shows the settings page when the stored colour is not #rrggbb (written around the form)', async () => {
    const { org, cookies } = await orgWithStaff();
    await getDb().update(organizations).set({ brandColor: 'red;}' }).where(eq(organizations.id, org.id));
    const result = await settle(() =>
      branding.loader(routeArgs(getRequest('/app/settings/branding', { cookie: cookies.admin })) as never),
    );
    expect(result).toMatchObject({ brandColor: 'red;}', contrast: expect.any(Number) });
  });

  function brandingForm(fields: Record<string, string>, logo?: { bytes: Uint8Array; name: string; type: string }) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (logo) form.append('logo', new Blob([new Uint8Array(logo.bytes)], { type: logo.type }), logo.name);
    return form;
  }

  it('stores a PNG logo (decided by its bytes), serves it publicly, and records the change', async () => {
    const { org, cookies } = await orgWithStaff();
    const result = await postMultipart(
      branding as Route,
      '/app/settings/branding',
      cookies.admin,
      brandingForm(
        { brandColor: '#1A4D8F', senderName: 'Veldkamp Debiteuren', replyTo: 'debiteuren@veldkamp.example' },
        { bytes: PNG, name: 'logo.bin', type: 'application/octet-stream' },
      ),
    );
    expect(statusOf(result)).toBe(302);
    expect((result as Response).headers.get('Location')).toBe('/app/settings/branding?saved=1');
    const [saved] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(saved).toMatchObject({
      brandColor: '#1a4d8f',
      senderName: 'Veldkamp Debiteuren',
      replyTo: 'debiteuren@veldkamp.example',
    });
    expect(saved.logoFileId).not.toBeNull();
    const [file] = await getDb().select().from(files).where(eq(files.id, saved.logoFileId!));
    expect(file).toMatchObject({ contentType: 'image/png', filename: 'logo.png', sizeBytes: PNG.length });

    const served = (await settle(() =>
      brandLogo.loader(routeArgs(getRequest(`/brand/${org.id}/logo`), { orgId: org.id }) as never),
    )) as Response;
    expect(served.status).toBe(200);
    expect(served.headers.get('Content-Type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'settings.branding_updated')));
    expect(event.data).toMatchObject({
      changes: { brandColor: { from: '#0b5d4b', to: '#1a4d8f' } },
      logo: { contentType: 'image/png' },
    });
    expect(JSON.stringify(event.data)).not.toContain(PNG.toString('base64'));

    // Removing it removes the file too.
    const removed = await postMultipart(
      branding as Route,
      '/app/settings/branding',
      cookies.admin,
      brandingForm({ brandColor: '#1a4d8f', removeLogo: 'on' }),
    );
    expect(statusOf(removed)).toBe(302);
    const [after] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(after.logoFileId).toBeNull();
    expect(await getDb().select().from(files).where(eq(files.id, saved.logoFileId!))).toEqual([]);
  });

  it('refuses a file that is not PNG, JPEG or WebP whatever its name, a logo over 1 MB, and a malformed colour', async () => {
    const { org, cookies } = await orgWithStaff();
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const gif = Buffer.from('R0lGODlhAQABAAAAACw=', 'base64');
    for (const bytes of [svg, gif]) {
      const result = await postMultipart(
        branding as Route,
        '/app/settings/branding',
        cookies.admin,
        brandingForm({ brandColor: '#0b5d4b' }, { bytes, name: 'logo.png', type: 'image/png' }),
      );
      expect(statusOf(result)).toBe(400);
      expect(dataOf(result)).toMatchObject({ errors: { logo: { key: 'bo.branding.error.logoType' } } });
    }
    const big = new Uint8Array(LOGO_MAX_BYTES + 1);
    big.set(PNG);
    const tooBig = await postMultipart(
      branding as Route,
      '/app/settings/branding',
      cookies.admin,
      brandingForm({ brandColor: '#0b5d4b' }, { bytes: big, name: 'big.png', type: 'image/png' }),
    );
    expect(statusOf(tooBig)).toBe(400);
    expect(dataOf(tooBig)).toMatchObject({ errors: { logo: { key: 'bo.branding.error.logoSize' } } });

    const badColour = await postMultipart(
      branding as Route,
      '/app/settings/branding',
      cookies.admin,
      brandingForm({ brandColor: 'green', replyTo: 'not an address', senderName: 'A <b>' }),
    );
    expect(statusOf(badColour)).toBe(400);
    expect(Object.keys(dataOf<{ errors: object }>(badColour).errors).sort()).toEqual([
      'brandColor',
      'replyTo',
      'senderName',
    ]);
    const [unchanged] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(unchanged).toMatchObject({ brandColor: '#0b5d4b', logoFileId: null });
    expect(await getDb().select().from(files).where(eq(files.organizationId, org.id))).toEqual([]);
  });

  it('warns when white text on the brand colour is hard to read', async () => {
    const { org, cookies } = await orgWithStaff();
    await getDb().update(organizations).set({ brandColor: '#ffcc00' }).where(eq(organizations.id, org.id));
    const yellow = dataOf<{ contrast: number }>(await load(branding as Route, '/app/settings/branding', cookies.admin));
    expect(yellow.contrast).toBeLessThan(4.5);
    await getDb().update(organizations).set({ brandColor: '#0b5d4b' }).where(eq(organizations.id, org.id));
    const green = dataOf<{ contrast: number }>(await load(branding as Route, '/app/settings/branding', cookies.admin));
    expect(green.contrast).toBeGreaterThanOrEqual(4.5);
  });
});

describe('dunning policy editor', () => {
  const row = (flow: string, n: number, key: string, days: string, template: string, costs = false) => ({
    [`${flow}.${n}.key`]: key,
    [`${flow}.${n}.offsetDays`]: days,
    [`${flow}.${n}.template`]: template,
    ...(costs ? { [`${flow}.${n}.addsCosts`]: 'on' } : {}),
  });

  it('answers 400 with the errors next to their fields and stores nothing', async () => {
    const { org, cookies } = await orgWithStaff();
    const result = await post(dunningSettings as Route, '/app/settings/dunning', cookies.admin, {
      ...row('consumer', 0, 'friendly', '7', 'friendly_reminder', true),
      ...row('consumer', 1, 'final', '21', 'final_notice', true),
      ...row('consumer', 2, 'handover', '30', 'collection_handover'),
      ...row('business', 0, 'Friendly!', '7', 'friendly_reminder'),
      ...row('business', 1, 'second', '7', 'second_reminder'),
    });
    expect(statusOf(result)).toBe(400);
    const { errors } = dataOf<{ errors: Record<string, { key: string }> }>(result);
    expect(errors).toEqual({
      'consumer.0.addsCosts': { key: 'bo.dunning.problem.costs_need_final_notice' },
      'consumer.2.offsetDays': { key: 'bo.dunning.problem.inside_consumer_term', params: { count: 16 } },
      'business.0.key': { key: 'bo.dunning.problem.key_invalid' },
      'business.1.offsetDays': { key: 'bo.dunning.problem.offset_overlaps' },
    });
    const [unchanged] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(unchanged.dunningPolicy.consumer).toHaveLength(4);
  });

  it('saves a valid policy with stages in order of their days, a removed row dropped', async () => {
    const { org, cookies } = await orgWithStaff();
    const result = await post(dunningSettings as Route, '/app/settings/dunning', cookies.admin, {
      ...row('consumer', 0, 'friendly', '7', 'friendly_reminder'),
      ...row('consumer', 1, 'final', '28', 'final_notice', true),
      ...row('consumer', 2, 'old', '10', 'second_reminder'),
      'consumer.2.remove': 'on',
      ...row('consumer', 3, 'second', '14', 'second_reminder'),
      ...row('consumer', 4, '', '', 'friendly_reminder'),
      ...row('business', 0, 'friendly', '3', 'friendly_reminder', true),
    });
    expect(statusOf(result)).toBe(302);
    const [saved] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(saved.dunningPolicy).toEqual({
      consumer: [
        { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
        { key: 'second', offsetDays: 14, template: 'second_reminder', addsCosts: false },
        { key: 'final', offsetDays: 28, template: 'final_notice', addsCosts: true },
      ],
      business: [{ key: 'friendly', offsetDays: 3, template: 'friendly_reminder', addsCosts: true }],
    });
    const events = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'dunning.policy_changed')));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'staff', data: { after: saved.dunningPolicy } });
  });
});

describe('plan, promise and portal settings', () => {
  it('validates, then saves with an audit event naming what changed', async () => {
    const { org, cookies } = await orgWithStaff();
    const bad = await post(planSettings as Route, '/app/settings/plans', cookies.admin, {
      maxInstallments: '1',
      maxDurationDays: '365',
      minInstallmentCents: '25,00',
      maxTotalCents: '1.234',
      minDownPaymentPercent: '101',
      promiseMaxDays: '14',
      graceDays: 'zeven',
      firstPaymentMaxDays: '30',
    });
    expect(statusOf(bad)).toBe(400);
    expect(Object.keys(dataOf<{ errors: object }>(bad).errors).sort()).toEqual([
      'graceDays',
      'maxInstallments',
      'maxTotalCents',
      'minDownPaymentPercent',
    ]);

    const good = await post(planSettings as Route, '/app/settings/plans', cookies.admin, {
      maxInstallments: '6',
      maxDurationDays: '180',
      minInstallmentCents: '50,00',
      maxTotalCents: '2.500,00',
      minDownPaymentPercent: '10',
      promiseMaxDays: '21',
      graceDays: '5',
      firstPaymentMaxDays: '14',
      consumersMayPropose: 'on',
    });
    expect(statusOf(good)).toBe(302);
    const [saved] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(saved.planPolicy).toEqual({
      maxInstallments: 6,
      maxDurationDays: 180,
      minInstallmentCents: 5_000,
      maxTotalCents: 250_000,
      consumersMayPropose: true,
      businessesMayPropose: false,
      minDownPaymentPercent: 10,
      promiseMaxDays: 21,
      graceDays: 5,
      firstPaymentMaxDays: 14,
    });

    const portal = await post(disputeSettings as Route, '/app/settings/disputes', cookies.admin, {
      disputeResponseHours: '24',
      disputeRejectGraceDays: '10',
      linkTtlDays: '0',
      minPartialPaymentCents: '5,00',
      transferNoticeDays: '16',
    });
    expect(statusOf(portal)).toBe(400);
    expect(dataOf(portal)).toMatchObject({
      errors: {
        linkTtlDays: { key: 'bo.form.error.intRange', params: { min: 1, max: 90 } },
        transferNoticeDays: { key: 'bo.form.error.intRange', params: { min: 1, max: 15 } },
      },
    });
    const fixed = await post(disputeSettings as Route, '/app/settings/disputes', cookies.admin, {
      disputeResponseHours: '24',
      disputeRejectGraceDays: '10',
      linkTtlDays: '14',
      minPartialPaymentCents: '5,00',
      transferNoticeDays: '7',
    });
    expect(statusOf(fixed)).toBe(302);
    const [after] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(after.portalSettings).toEqual({
      disputeResponseHours: 24,
      disputeRejectGraceDays: 10,
      linkTtlDays: 14,
      minPartialPaymentCents: 500,
      transferNoticeDays: 7,
    });
    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'settings.portal_updated')));
    expect(event.data).toMatchObject({ changes: { portalSettings: { to: { linkTtlDays: 14 } } } });
  });
});

describe('payment provider settings', () => {
  it('stores a key sealed, shows it masked, and refuses a malformed one', async () => {
    const { org, cookies } = await orgWithStaff();
    const key = 'test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM';
    const bad = await post(paymentSettings as Route, '/app/settings/payments', cookies.admin, {
      provider: 'mollie',
      mollieApiKey: 'sk_nope',
    });
    expect(statusOf(bad)).toBe(400);
    expect(dataOf(bad)).toMatchObject({ errors: { mollieApiKey: { key: 'bo.payments.error.mollieKey' } } });
    expect(JSON.stringify(dataOf(bad))).not.toContain('sk_nope');

    const saved = await post(paymentSettings as Route, '/app/settings/payments', cookies.admin, {
      provider: 'mollie',
      mollieApiKey: key,
    });
    expect(statusOf(saved)).toBe(302);
    const [row] = await getDb().select().from(organizations).where(eq(organizations.id, org.id));
    expect(row.paymentProvider).toBe('mollie');
    expect(row.providerCredentials).not.toContain(key);
    const view = dataOf<{ settings: { mollie: { apiKey: string }; effective: { provider: string } } }>(
      await load(paymentSettings as Route, '/app/settings/payments', cookies.admin),
    );
    expect(view.settings.mollie.apiKey).toBe('test_••••lXsM');
    expect(view.settings.effective.provider).toBe('mollie');
    expect(JSON.stringify(view)).not.toContain(key);
  });
});

describe('team page and invitations', () => {
  it('refuses to demote or deactivate the last admin, and invites someone who then signs in', async () => {
    const { org, admin, cookies } = await orgWithStaff();
    const demote = await post(team as Route, '/app/settings/team', cookies.admin, {
      intent: TEAM_INTENT.setRole,
      userId: admin.id,
      role: 'finance',
    });
    expect(statusOf(demote)).toBe(400);
    expect(dataOf(demote)).toMatchObject({ errors: { role: { key: 'bo.team.error.lastAdmin' } }, userId: admin.id });
    const deactivate = await post(team as Route, '/app/settings/team', cookies.admin, {
      intent: TEAM_INTENT.deactivate,
      userId: admin.id,
    });
    expect(statusOf(deactivate)).toBe(400);
    const [still] = await getDb().select().from(staffUsers).where(eq(staffUsers.id, admin.id));
    expect(still).toMatchObject({ role: 'admin', active: true });

    const unknown = await post(team as Route, '/app/settings/team', cookies.admin, {
      intent: 'promote',
      userId: admin.id,
    });
    expect(statusOf(unknown)).toBe(400);
    expect(dataOf(unknown)).toMatchObject({ errors: { intent: { key: 'bo.form.error.unknownAction' } } });
    const badRole = await post(team as Route, '/app/settings/team', cookies.admin, {
      intent: TEAM_INTENT.setRole,
      userId: admin.id,
      role: 'chef',
    });
    expect(statusOf(badRole)).toBe(400);
    expect(dataOf(badRole)).toMatchObject({ errors: { role: { key: 'bo.team.error.role' } }, userId: admin.id });

    const badInvite = await post(team as Route, '/app/settings/team', cookies.admin, {
      intent: TEAM_INTENT.invite,
      email: 'nope',
      role: 'chef',
    });
    expect(statusOf(badInvite)).toBe(400);
    expect(Object.keys(dataOf<{ errors: object }>(badInvite).errors).sort()).toEqual(['email', 'role']);

    const invited = dataOf<{ done: string; url: string }>(
      await post(team as Route, '/app/settings/team', cookies.admin, {
        intent: TEAM_INTENT.invite,
        email: 'nieuw@example.nl',
        role: 'support',
      }),
    );
    expect(invited.done).toBe('invited');
    const token = invited.url.split('/invite/')[1];

    const page = await settle(() => invite.loader(routeArgs(getRequest(`/invite/${token}`), { token }) as never));
    expect(statusOf(page)).toBe(200);
    expect(dataOf(page)).toMatchObject({
      ok: true,
      email: 'nieuw@example.nl',
      role: 'support',
      organizationName: org.name,
    });

    const mismatch = await settle(() =>
      invite.action(
        routeArgs(
          formRequest(`/invite/${token}`, { name: 'Nieuw', password: 'een lang wachtwoord', confirm: 'iets anders' }),
          { token },
        ) as never,
      ),
    );
    expect(statusOf(mismatch)).toBe(400);
    expect(dataOf(mismatch)).toMatchObject({ errors: { confirm: { key: 'bo.invite.error.confirm' } }, name: 'Nieuw' });
    const unnamed = await settle(() =>
      invite.action(
        routeArgs(formRequest(`/invite/${token}`, { name: ' ', password: 'kort', confirm: 'anders' }), {
          token,
        }) as never,
      ),
    );
    expect(statusOf(unnamed)).toBe(400);
    expect(dataOf(unnamed)).toMatchObject({
      errors: { name: { key: 'bo.invite.error.name' }, password: { key: 'bo.invite.error.password' } },
    });
    expect(Object.keys(dataOf<{ errors: object }>(unnamed).errors).sort()).toEqual(['name', 'password']);
    const accepted = await settle(() =>
      invite.action(
        routeArgs(
          formRequest(
            `/invite/${token}`,
            { name: 'Nieuwe Collega', password: 'een lang wachtwoord', confirm: 'een lang wachtwoord' },
            { ip: '10.9.9.9' },
          ),
          { token },
        ) as never,
      ),
    );
    expect(statusOf(accepted)).toBe(302);
    expect((accepted as Response).headers.get('Location')).toBe('/app');
    expect((accepted as Response).headers.get('Set-Cookie')).toMatch(/vd_staff=/);
    const again = await settle(() => invite.loader(routeArgs(getRequest(`/invite/${token}`), { token }) as never));
    expect(statusOf(again)).toBe(410);
    const [created] = await getDb().select().from(staffUsers).where(eq(staffUsers.email, 'nieuw@example.nl'));
    expect(created).toMatchObject({ organizationId: org.id, role: 'support', name: 'Nieuwe Collega' });
  });
});
