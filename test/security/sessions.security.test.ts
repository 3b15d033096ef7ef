/**
 * Session cookies as the built app sets them, in both modes: flags, the wall between the portal
 * and the back office, and tampered or foreign cookies treated as signed out.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, debtors, staffUsers } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { createApiKeyFor } from '~test/factories-intake';
import { createDebtor, createInvoice, createOrganization, createStaff, TEST_PASSWORD } from '~test/factories';
import { cookieOf, mintLink, staffCookie, startHeldApp } from './held-world';
import { MODES, showsStack, type Answer, type RunningApp, SOME_PAST_MOMENT } from './harness';

/** The attributes of a Set-Cookie header, lower-cased names. */
function attributesOf(setCookie: string) {
  const [pair, ...rest] = setCookie.split(';').map((p) => p.trim());
  const attributes = new Map(
    rest.map((p) => {
      const [k, ...v] = p.split('=');
      return [k.toLowerCase(), v.join('=')] as const;
    }),
  );
  return { name: pair.split('=')[0], value: pair.slice(pair.indexOf('=') + 1), attributes };
}

function flip(value: string, at: number) {
  const c = value[at];
  return value.slice(0, at) + (c === 'a' ? 'b' : 'a') + value.slice(at + 1);
}

describe.each(MODES)('session cookies in %s mode', (mode) => {
  let app: RunningApp;
  let staffSetCookie: string;
  let portalSetCookie: string;
  let staff: string;
  let portal: string;
  let debtorName: string;
  let orgName: string;

  beforeAll(async () => {
    app = await startHeldApp(mode);
    const org = await createOrganization();
    orgName = org.name;
    const admin = await createStaff(org, 'admin');
    const debtor = await createDebtor(org);
    debtorName = debtor.name;
    await createInvoice(org, debtor);
    staff = await staffCookie(app, admin);
    const login = await app.postForm('/login', { email: admin.email, password: TEST_PASSWORD });
    staffSetCookie = login.headers['set-cookie']![0];
    const landing = await app.request(`/l/${(await mintLink(debtor)).token}`);
    portalSetCookie = landing.headers['set-cookie']![0];
    portal = cookieOf(landing)!;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each([
    ['staff', () => staffSetCookie, 'vd_staff'],
    ['portal', () => portalSetCookie, 'vd_portal'],
  ])('the %s cookie is HttpOnly, SameSite=Lax, Path=/, host-only; Secure and __Host- in production', (_, get, base) => {
    const { name, attributes } = attributesOf(get());
    expect(attributes.has('httponly')).toBe(true);
    expect(attributes.get('samesite')?.toLowerCase()).toMatch(/^(lax|strict)$/);
    expect(attributes.get('path')).toBe('/');
    expect(attributes.has('domain')).toBe(false);
    if (mode === 'production') {
      expect(attributes.has('secure')).toBe(true);
      expect(name).toBe(`__Host-${base}`);
    } else {
      expect(name).toBe(base);
    }
  });

  it('each cookie opens its own side (the controls for the refusals below)', async () => {
    const backOffice = await app.request('/app', { headers: { cookie: staff } });
    expect(backOffice.status).toBe(200);
    expect(backOffice.body).toContain(orgName);
    const home = await app.request('/portal', { headers: { cookie: portal } });
    expect(home.status).toBe(200);
    expect(home.body).toContain(debtorName);
  });

  it('a portal cookie does not open /app, a staff cookie does not open /portal', async () => {
    for (const path of ['/app', '/app/debtors', '/app/settings/api-keys']) {
      const answer = await app.request(path, { headers: { cookie: portal } });
      expect(answer.status, path).toBe(302);
      expect(answer.headers.location, path).toMatch(/^\/login\?redirectTo=/);
    }
    for (const path of ['/portal', '/portal/pay', '/portal/history']) {
      const answer = await app.request(path, { headers: { cookie: staff } });
      expect(answer.status, path).toBe(302);
      expect(answer.headers.location, path).toBe('/portal/signed-out');
    }
  });

  it("a portal session's signed value under the staff cookie's name (and the reverse) opens nothing", async () => {
    // Both cookies are signed with SESSION_SECRET: the signature alone must not carry a session across.
    const portalParts = attributesOf(portalSetCookie);
    const staffParts = attributesOf(staffSetCookie);
    const asStaff = await app.request('/app', { headers: { cookie: `${staffParts.name}=${portalParts.value}` } });
    expect(asStaff.status).toBe(302);
    expect(asStaff.headers.location).toMatch(/^\/login/);
    const asPortal = await app.request('/portal', { headers: { cookie: `${portalParts.name}=${staffParts.value}` } });
    expect(asPortal.status).toBe(302);
    expect(asPortal.headers.location).toBe('/portal/signed-out');
  });

  it('tampered, unsigned, oversized or garbled cookies are treated as signed out, never a 500', async () => {
    const variants = (cookie: string) => {
      const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
      const [payload] = value.split('.');
      return [
        `${name}=${flip(value, 2)}`,
        `${name}=${flip(value, value.length - 3)}`,
        `${name}=${payload}`,
        `${name}=${payload}.`,
        `${name}=`,
        `${name}=${'A'.repeat(4000)}`,
        `${name}=%E0%A4%A`,
        `${name}=${Buffer.from('"x"').toString('base64')}.${'0'.repeat(43)}`,
      ];
    };
    const answers: [string, Answer][] = [];
    for (const cookie of variants(staff)) answers.push([cookie, await app.request('/app', { headers: { cookie } })]);
    for (const [cookie, answer] of answers) {
      expect(answer.status, cookie).toBe(302);
      expect(answer.headers.location, cookie).toMatch(/^\/login/);
      expect(showsStack(answer.body)).toBe(false);
    }
    for (const cookie of variants(portal)) {
      const answer = await app.request('/portal', { headers: { cookie } });
      expect(answer.status, cookie).toBe(302);
      expect(answer.headers.location, cookie).toBe('/portal/signed-out');
    }
  });

  it('a session cookie chosen before sign-in is not adopted (no fixation)', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const name = attributesOf(staffSetCookie).name;
    const planted = `${name}=planted-by-attacker`;
    const login = await app.postForm(
      '/login',
      { email: admin.email, password: TEST_PASSWORD },
      { cookie: planted, 'x-forwarded-for': '10.78.0.1' },
    );
    expect(login.status).toBe(302);
    const issued = cookieOf(login)!;
    expect(issued).not.toBe(planted);
    expect((await app.request('/app', { headers: { cookie: planted } })).status).toBe(302);
  });

  it('signing out ends the session on the server: the old cookie no longer opens anything', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const cookie = await staffCookie(app, admin);
    expect((await app.request('/app', { headers: { cookie } })).status).toBe(200);
    const out = await app.postForm('/logout', {}, { cookie });
    expect(out.status).toBeGreaterThanOrEqual(300);
    expect(out.status).toBeLessThan(400);
    const after = await app.request('/app', { headers: { cookie } });
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/^\/login/);

    const debtor = await createDebtor(org);
    const landing = await app.request(`/l/${(await mintLink(debtor)).token}`);
    const portalCookie = cookieOf(landing)!;
    expect((await app.request('/portal', { headers: { cookie: portalCookie } })).status).toBe(200);
    const portalOut = await app.postForm('/portal/logout', {}, { cookie: portalCookie });
    expect(portalOut.status).toBeLessThan(400);
    const afterPortal = await app.request('/portal', { headers: { cookie: portalCookie } });
    expect(afterPortal.status).toBe(302);
    expect(afterPortal.headers.location).toBe(`/portal/signed-out?reason=signed_out&o=${debtor.organizationId}`);
  });

  it('roles hold within a creditor: support and finance reach only their pages, and only admins create API keys', async () => {
    const org = await createOrganization();
    const support = await staffCookie(app, await createStaff(org, 'support'));
    const finance = await staffCookie(app, await createStaff(org, 'finance'));
    for (const path of ['/app/plans', '/app/settings/api-keys', '/app/settings/team', '/app/settings/payments']) {
      expect((await app.request(path, { headers: { cookie: support } })).status, `support ${path}`).toBe(403);
    }
    for (const path of ['/app/settings/api-keys', '/app/settings/team', '/app/settings/payments']) {
      expect((await app.request(path, { headers: { cookie: finance } })).status, `finance ${path}`).toBe(403);
    }
    expect((await app.request('/app/plans', { headers: { cookie: finance } })).status).toBe(200);
    const created = await app.postForm(
      '/app/settings/api-keys',
      { intent: 'create', name: 'By finance' },
      { cookie: finance },
    );
    expect(created.status).toBe(403);
    expect(await getDb().select().from(apiKeys).where(eq(apiKeys.organizationId, org.id))).toEqual([]);
  });

  it('a deactivated staff member, a deleted debtor and a revoked API key are signed out at once', async () => {
    const org = await createOrganization();
    const member = await createStaff(org, 'admin');
    const cookie = await staffCookie(app, member);
    expect((await app.request('/app', { headers: { cookie } })).status).toBe(200);
    await getDb().update(staffUsers).set({ active: false }).where(eq(staffUsers.id, member.id));
    const after = await app.request('/app', { headers: { cookie } });
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/^\/login/);

    const debtor = await createDebtor(org);
    const portal = cookieOf(await app.request(`/l/${(await mintLink(debtor)).token}`))!;
    expect((await app.request('/portal', { headers: { cookie: portal } })).status).toBe(200);
    await getDb().update(debtors).set({ deletedAt: SOME_PAST_MOMENT }).where(eq(debtors.id, debtor.id));
    expect((await app.request('/portal', { headers: { cookie: portal } })).headers.location).toBe('/portal/signed-out');

    const { key, apiKey } = await createApiKeyFor(org);
    const authorization = `Bearer ${key}`;
    expect((await app.request('/api/v1/payments', { headers: { authorization } })).status).toBe(200);
    await getDb().update(apiKeys).set({ revokedAt: SOME_PAST_MOMENT }).where(eq(apiKeys.id, apiKey.id));
    expect((await app.request('/api/v1/payments', { headers: { authorization } })).status).toBe(401);
    // A key with one character changed is no key.
    const changed = `Bearer ${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`;
    expect((await app.request('/api/v1/payments', { headers: { authorization: changed } })).status).toBe(401);
  });
});
