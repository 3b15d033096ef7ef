/**
 * Request forgery (issue 12, findings 1 and 2): every state-changing request of the browser-facing
 * app passes one gate (app/server/request-gate.ts) before Remix. Cross-site posts with a real
 * admin's and a real debtor's session cookie, through every way Remix routes a post (document,
 * `?_data=`, single-fetch `.data`, resource routes), are answered 403 and change nothing; same-origin
 * posts, and a no-referrer portal page's `Origin: null` + `Sec-Fetch-Site: same-origin`, still work;
 * the webhooks and the Bearer API answer for themselves.
 */
import http from 'node:http';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, disputeMessages, organizations, type Organization } from '~db/schema';
import { openDispute } from '~/modules/disputes/debtor.server';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { STRIPE_TEST_KEY } from '~test/factories-payments';
import { MODES, showsStack, type Answer, type RunningApp } from './harness';
import { portalCookie as openPortalOn, staffCookie as signInOn, startHeldApp } from './held-world';

const EVIL = 'https://evil.example';
const CROSS_SITE = { origin: EVIL, 'sec-fetch-site': 'cross-site' };
const NO_ORIGIN_CROSS_SITE = { 'sec-fetch-site': 'cross-site' };
const FORM = 'application/x-www-form-urlencoded';
const EVIL_STRIPE_KEY = 'sk_test_51EvilAttackerKey000000000000';

const PAYMENTS_DATA = '/app/settings/payments?_data=routes%2Fapp.settings.payments';
const PAYMENTS_SINGLE_FETCH = '/app/settings/payments.data';
const API_KEYS_DATA = '/app/settings/api-keys?_data=routes%2Fapp.settings.api-keys';
const replaceKeys = { provider: 'stripe', stripeSecretKey: EVIL_STRIPE_KEY };

function expectRefused(answer: Answer) {
  expect(answer.status).toBe(403);
  expect(answer.headers['content-type']).toMatch(/^text\/plain/);
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(answer.body).toMatch(/^403 - .*geweigerd.*\n.*refused/);
  expect(showsStack(answer.body)).toBe(false);
  expect(answer.headers['set-cookie']).toBeUndefined();
}

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  let org: Organization;
  let adminCookie: string;
  let portalCookie: string;
  let disputeId: string;

  beforeAll(async () => {
    app = await startHeldApp(mode);
    // Signed in through the running app: the cookie is signed with this mode's session secret.
    org = await createOrganization();
    adminCookie = await signInOn(app, await createStaff(org, 'admin'));
    const debtor = await createDebtor(org);
    const invoice = await createInvoice(org, debtor);
    portalCookie = await openPortalOn(app, debtor);
    const opened = await openDispute(
      { organizationId: org.id, debtorId: debtor.id },
      { invoiceId: invoice.id, amountCents: null, reason: 'not_received', message: 'Nooit ontvangen.', files: [] },
    );
    if (!opened.ok) throw new Error(`could not open a dispute: ${opened.error}`);
    disputeId = opened.disputeId;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const post = (path: string, cookie: string, fields: Record<string, string>, headers: Record<string, string>) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': FORM, cookie, ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const storedProvider = async () => {
    const [row] = await getDb()
      .select({
        provider: organizations.paymentProvider,
        credentials: organizations.providerCredentials,
        updatedAt: organizations.updatedAt,
      })
      .from(organizations)
      .where(eq(organizations.id, org.id));
    return row;
  };
  const apiKeyCount = async () =>
    (await getDb().select({ n: count() }).from(apiKeys).where(eq(apiKeys.organizationId, org.id)))[0].n;
  const messageCount = async () =>
    (await getDb().select({ n: count() }).from(disputeMessages).where(eq(disputeMessages.disputeId, disputeId)))[0].n;
  const replyPath = () => `/portal/disputes/${disputeId}`;
  const replyDataPath = () => `/portal/disputes/${disputeId}?_data=routes%2Fportal.disputes.%24id`;
  const reply = { intent: 'reply', message: 'Forged reply' };

  describe('the payment keys', () => {
    it.each([
      ['a ?_data= data request', PAYMENTS_DATA],
      ['a single-fetch .data request', PAYMENTS_SINGLE_FETCH],
      ['a document post', '/app/settings/payments'],
    ])('are not replaced by a cross-site post through %s', async (_, path) => {
      const before = await storedProvider();
      expectRefused(await post(path, adminCookie, replaceKeys, CROSS_SITE));
      expectRefused(await post(path, adminCookie, replaceKeys, NO_ORIGIN_CROSS_SITE));
      expectRefused(await post(path, adminCookie, replaceKeys, { origin: 'null', 'sec-fetch-site': 'cross-site' }));
      expect(await storedProvider()).toEqual(before);
    });

    it.each(['PUT', 'PATCH', 'DELETE', 'OPTIONS'])('refuse a cross-site %s as well', async (method) => {
      const before = await storedProvider();
      const answer = await app.request(PAYMENTS_DATA, {
        method,
        headers: { 'content-type': FORM, cookie: adminCookie, ...CROSS_SITE },
        body: new URLSearchParams(replaceKeys).toString(),
      });
      expectRefused(answer);
      expect(await storedProvider()).toEqual(before);
    });

    it('are not reached through a path that only looks exempt', async () => {
      const before = await storedProvider();
      for (const path of [
        `/api/../app/settings/payments?_data=routes%2Fapp.settings.payments`,
        `/webhooks/%2e%2e/app/settings/payments`,
        `/api/v1/x?_data=routes%2Fapp.settings.payments`,
        `/api/v1/../../app/settings/payments.data`,
      ]) {
        const answer = await post(path, adminCookie, replaceKeys, CROSS_SITE);
        expect(answer.status, path).toBeGreaterThanOrEqual(400);
        expect(answer.status, path).toBeLessThan(500);
      }
      expect(await storedProvider()).toEqual(before);
    });

    it('refuse a malformed Origin with 403, not 500', async () => {
      for (const origin of ['http://[::1', 'not a url', `${app.origin}/app`, `${app.origin}, ${EVIL}`]) {
        expectRefused(await post('/app/settings/payments', adminCookie, replaceKeys, { origin }));
      }
    });

    it('are saved by a same-origin post, document, data request or single fetch', async () => {
      for (const path of ['/app/settings/payments', PAYMENTS_DATA, PAYMENTS_SINGLE_FETCH]) {
        const before = await storedProvider();
        const answer = await post(
          path,
          adminCookie,
          { provider: 'stripe', stripeSecretKey: STRIPE_TEST_KEY },
          {
            origin: app.origin,
            'sec-fetch-site': 'same-origin',
          },
        );
        expect(answer.status, path).toBeLessThan(400);
        const after = await storedProvider();
        expect(after.credentials, path).not.toBe(before.credentials);
        expect(after.provider).toBe('stripe');
      }
    });
  });

  describe('API keys', () => {
    it('are not created by a cross-site post, with or without Origin', async () => {
      for (const path of [API_KEYS_DATA, '/app/settings/api-keys.data', '/app/settings/api-keys']) {
        const fields = { intent: 'create', name: 'Forged key' };
        for (const headers of [CROSS_SITE, NO_ORIGIN_CROSS_SITE]) {
          const answer = await post(path, adminCookie, fields, headers);
          expectRefused(answer);
          expect(answer.body).not.toContain('vk_live_');
        }
      }
      expect(await apiKeyCount()).toBe(0);
    });

    it('are created by a same-origin post', async () => {
      const answer = await post(
        '/app/settings/api-keys.data',
        adminCookie,
        { intent: 'create', name: 'Real key' },
        { origin: app.origin, 'sec-fetch-site': 'same-origin' },
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('vk_live_');
      expect(await apiKeyCount()).toBe(1);
      await getDb()
        .delete(apiKeys)
        .where(and(eq(apiKeys.organizationId, org.id), eq(apiKeys.name, 'Real key')));
    });
  });

  describe('a portal dispute reply', () => {
    it('is not stored from a cross-site post, by data request or form, with or without Origin', async () => {
      const before = await messageCount();
      for (const path of [replyDataPath(), `${replyPath()}.data`, replyPath()]) {
        expectRefused(await post(path, portalCookie, reply, CROSS_SITE));
        expectRefused(await post(path, portalCookie, reply, NO_ORIGIN_CROSS_SITE));
        expectRefused(await post(path, portalCookie, reply, {}));
        expectRefused(await post(path, portalCookie, reply, { origin: 'null' }));
        expectRefused(await post(path, portalCookie, reply, { origin: 'null', 'sec-fetch-site': 'same-site' }));
      }
      expect(await messageCount()).toBe(before);
    });

    it('is stored from the portal page itself: Origin null with Sec-Fetch-Site same-origin (no-referrer)', async () => {
      const before = await messageCount();
      const answer = await post(replyPath(), portalCookie, reply, { origin: 'null', 'sec-fetch-site': 'same-origin' });
      expect(answer.status).toBe(302);
      expect(answer.headers.location).toBe(`/portal/disputes/${disputeId}?done=sent#reply`);
      expect(await messageCount()).toBe(before + 1);
    });

    it('is stored from a same-origin post with the app origin', async () => {
      const before = await messageCount();
      const answer = await post(replyDataPath(), portalCookie, reply, {
        origin: app.origin,
        'sec-fetch-site': 'same-origin',
      });
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(400);
      expect(await messageCount()).toBe(before + 1);
    });
  });

  describe('sign-out', () => {
    const staffSignedIn = async (cookie: string) => (await app.request('/app', { headers: { cookie } })).status === 200;
    const debtorSignedIn = async (cookie: string) =>
      (await app.request('/portal', { headers: { cookie } })).status === 200;

    it('of staff is not forced by a cross-site POST /logout, nor by a GET', async () => {
      expect(await staffSignedIn(adminCookie)).toBe(true);
      for (const path of ['/logout', '/logout.data', '/logout?_data=routes%2Flogout']) {
        expectRefused(await post(path, adminCookie, {}, CROSS_SITE));
        expectRefused(await post(path, adminCookie, {}, NO_ORIGIN_CROSS_SITE));
      }
      const get = await app.request('/logout', { headers: { cookie: adminCookie } });
      expect(get.status).toBe(302);
      expect(get.headers['set-cookie']).toBeUndefined();
      expect(await staffSignedIn(adminCookie)).toBe(true);
    });

    it('of a debtor is not forced by a cross-site POST /portal/logout, nor by a GET', async () => {
      expect(await debtorSignedIn(portalCookie)).toBe(true);
      for (const path of ['/portal/logout', '/portal/logout.data']) {
        expectRefused(await post(path, portalCookie, {}, CROSS_SITE));
        expectRefused(await post(path, portalCookie, {}, NO_ORIGIN_CROSS_SITE));
      }
      const get = await app.request('/portal/logout', { headers: { cookie: portalCookie } });
      expect(get.status).toBe(302);
      expect(get.headers['set-cookie']).toBeUndefined();
      expect(await debtorSignedIn(portalCookie)).toBe(true);
    });

    it('works as a same-origin POST', async () => {
      const cookie = await signInOn(app, await createStaff(org, 'finance'));
      const answer = await post('/logout', cookie, {}, { origin: app.origin, 'sec-fetch-site': 'same-origin' });
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/login');
      expect(await staffSignedIn(cookie)).toBe(false);

      const debtor = await createDebtor(org);
      const portal = await openPortalOn(app, debtor);
      const out = await post('/portal/logout', portal, {}, { origin: 'null', 'sec-fetch-site': 'same-origin' });
      expect(out.status).toBe(303);
      expect(await debtorSignedIn(portal)).toBe(false);
    });
  });

  describe('the language choice', () => {
    it('is not set by a cross-site POST /language', async () => {
      for (const headers of [CROSS_SITE, NO_ORIGIN_CROSS_SITE]) {
        expectRefused(await post('/language', '', { locale: 'en', redirectTo: '/login' }, headers));
      }
    });

    it('is set by a same-origin one', async () => {
      const answer = await app.postForm('/language', { locale: 'en', redirectTo: '/login' });
      expect(answer.status).toBe(303);
      // The cookie holds the JSON string "en", base64-encoded.
      expect(answer.headers['set-cookie']?.join(';')).toMatch(/^vd_lang=ImVuIg/);
    });
  });

  describe('a refused body', () => {
    it('is still bounded and read off by the body limit: the client sees the 403, not a reset', async () => {
      const size = 4 * 1024 * 1024;
      // Resolves once the answer is in and the whole body is out: a server that stopped reading would stall it.
      const answer = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: app.port,
          method: 'POST',
          path: '/login',
          headers: { 'content-type': FORM, 'transfer-encoding': 'chunked', ...CROSS_SITE },
        });
        let sent = 0;
        const written = new Promise<void>((done, fail) => {
          req.on('finish', done);
          req.on('error', fail);
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => written.then(() => resolve({ status: res.statusCode ?? 0, sent }), reject));
        });
        req.on('error', reject);
        const chunk = Buffer.alloc(64 * 1024, 'a');
        for (; sent < size; sent += chunk.length) req.write(chunk);
        req.end();
      });
      expect(answer).toEqual({ status: 403, sent: size });
    });
  });

  describe('outside the gate', () => {
    it('the webhooks answer for themselves, whatever the Origin', async () => {
      const answer = await app.request(`/webhooks/stripe?org=${org.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00', ...CROSS_SITE },
        body: '{}',
      });
      expect(answer.status).toBe(400);
    });

    it('the API answers for itself, and never takes a session cookie for a key', async () => {
      for (const headers of [CROSS_SITE, {}, { cookie: adminCookie, origin: app.origin }]) {
        const answer = await app.request('/api/v1/invoices/F-1', {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'unauthorized' } });
      }
    });
  });
});
