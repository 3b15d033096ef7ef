import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { debtors, organizations, portalLinks } from '~db/schema';
import { createDebtor, createOrganization } from '~test/factories';
import { cookieFrom, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { loader as landing } from '~/routes/l.$token';
import { loader as portalLoader } from '~/routes/portal._index';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { issuePortalLink, revokeAllLinks, revokeLink } from './links.server';

async function land(token: string) {
  return (await settle(() => landing(routeArgs(getRequest(`/l/${token}`), { token })))) as Response;
}

async function setup() {
  const org = await createOrganization();
  const debtor = await createDebtor(org);
  const link = await getDb().transaction((tx) =>
    issuePortalLink(tx, { organizationId: org.id, debtorId: debtor.id, purpose: 'reminder' }),
  );
  return { org, debtor, link };
}

describe('portal link landing', () => {
  it('opens a session and answers 303 to /portal, so the token leaves the address bar', async () => {
    const { link, debtor } = await setup();
    expect(link.url).toMatch(/^http:\/\/voldaan\.test\/l\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const response = await land(link.token);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/portal');
    const cookie = response.headers.get('Set-Cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const overview = await portalLoader(routeArgs(getRequest('/portal', { cookie: cookieFrom(response) })));
    expect(overview.debtorName).toBe(debtor.name);

    await land(link.token);
    const [row] = await getDb().select().from(portalLinks).where(eq(portalLinks.jti, link.jti));
    expect(row.useCount).toBe(2);
    expect(row.firstUsedAt).not.toBeNull();
    expect(row.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(row.firstUsedAt!.getTime());
  });

  it('records each issued link with purpose, expiry and a fresh jti', async () => {
    const { org, debtor, link } = await setup();
    const second = await getDb().transaction((tx) =>
      issuePortalLink(tx, { organizationId: org.id, debtorId: debtor.id, purpose: 'reminder' }),
    );
    expect(second.jti).not.toBe(link.jti);
    const rows = await getDb().select().from(portalLinks).where(eq(portalLinks.debtorId, debtor.id));
    expect(rows).toHaveLength(2);
    expect(rows[0].purpose).toBe('reminder');
    const ttl = rows[0].expiresAt.getTime() - rows[0].issuedAt.getTime();
    expect(ttl).toBe(30 * 86_400_000);
  });

  it('sends garbage, truncated and oversized tokens to the help page, never a 500', async () => {
    const { link } = await setup();
    for (const bad of [
      'garbage',
      link.token.slice(0, 50),
      `${link.token}x`,
      'a'.repeat(20_000),
      '%00%ff',
      '..%2f..%2fetc',
    ]) {
      const response = await land(bad);
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toMatch(/^\/link-help\?reason=invalid/);
      expect(response.headers.get('Set-Cookie')).toBeNull();
    }
  });

  it('refuses a revoked link, and revoking ends sessions opened with it', async () => {
    const { org, link } = await setup();
    const { cookie } = await (async () => {
      const r = await land(link.token);
      return { cookie: cookieFrom(r) };
    })();
    await getDb().transaction((tx) => revokeLink(tx, org.id, link.jti, { type: 'system' }));
    const response = await land(link.token);
    expect(response.headers.get('Location')).toBe(`/link-help?reason=invalid&o=${org.id}`);
    const after = (await settle(() => portalLoader(routeArgs(getRequest('/portal', { cookie }))))) as Response;
    expect(after.status).toBe(302);
    expect(after.headers.get('Location')).toBe(`/portal/signed-out?reason=revoked&o=${org.id}`);
  });

  it('revokes all links of a debtor at once', async () => {
    const { org, debtor, link } = await setup();
    const other = await getDb().transaction((tx) =>
      issuePortalLink(tx, { organizationId: org.id, debtorId: debtor.id, purpose: 'fresh_link' }),
    );
    const count = await getDb().transaction((tx) => revokeAllLinks(tx, org.id, debtor.id, { type: 'system' }));
    expect(count).toBe(2);
    for (const token of [link.token, other.token])
      expect((await land(token)).headers.get('Location')).toMatch(/^\/link-help/);
  });

  it('treats an expired link as expired and names the creditor for a fresh link', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const clock = fixedClock('2026-01-01T10:00:00Z');
    const link = await getDb().transaction((tx) =>
      issuePortalLink(tx, { organizationId: org.id, debtorId: debtor.id, purpose: 'reminder', ttlDays: 3 }, { clock }),
    );
    const response = await land(link.token);
    expect(response.headers.get('Location')).toBe(`/link-help?reason=expired&o=${org.id}`);
  });

  it('refuses links of a deleted or deactivated debtor, and of an inactive creditor', async () => {
    const deleted = await setup();
    await getDb()
      .update(debtors)
      .set({ deletedAt: new Date('2026-11-01T10:00:00Z') })
      .where(eq(debtors.id, deleted.debtor.id));
    expect((await land(deleted.link.token)).headers.get('Location')).toMatch(/^\/link-help\?reason=invalid/);

    const inactive = await setup();
    await getDb().update(debtors).set({ active: false }).where(eq(debtors.id, inactive.debtor.id));
    expect((await land(inactive.link.token)).headers.get('Location')).toMatch(/^\/link-help/);

    const closed = await setup();
    await getDb().update(organizations).set({ active: false }).where(eq(organizations.id, closed.org.id));
    expect((await land(closed.link.token)).headers.get('Location')).toMatch(/^\/link-help/);
  });

  it('refuses a genuine token whose link was never recorded (or was purged)', async () => {
    const { link } = await setup();
    await getDb().delete(portalLinks).where(eq(portalLinks.jti, link.jti));
    expect((await land(link.token)).headers.get('Location')).toMatch(/^\/link-help\?reason=invalid/);
  });

  it('ends the session after 30 minutes idle and after 12 hours in all', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const { cookie } = await openPortal(debtor);
    const { debtorSessions } = await import('~db/schema');
    // The portal reads the system clock, so the session is aged relative to when it was opened.
    await getDb()
      .update(debtorSessions)
      .set({ lastSeenAt: sql`${debtorSessions.lastSeenAt} - interval '31 minutes'` })
      .where(eq(debtorSessions.debtorId, debtor.id));
    const idle = (await settle(() => portalLoader(routeArgs(getRequest('/portal', { cookie }))))) as Response;
    expect(idle.headers.get('Location')).toBe(`/portal/signed-out?reason=idle&o=${debtor.organizationId}`);

    const again = await openPortal(debtor);
    await getDb()
      .update(debtorSessions)
      .set({ expiresAt: sql`${debtorSessions.lastSeenAt} - interval '1 second'` })
      .where(eq(debtorSessions.debtorId, debtor.id));
    const expired = (await settle(() =>
      portalLoader(routeArgs(getRequest('/portal', { cookie: again.cookie }))),
    )) as Response;
    expect(expired.headers.get('Location')).toBe(`/portal/signed-out?reason=expired&o=${debtor.organizationId}`);
  });
});
