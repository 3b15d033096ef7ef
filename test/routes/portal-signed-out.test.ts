/**
 * Why a debtor's portal session ended, as the signed-out page is told: a creditor's "revoke all
 * links" is not an idle timeout nor the debtor's own sign-out. And "revoke all links" asks first:
 * the debtor page's action refuses without the confirmation field and writes nothing.
 */
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, debtorSessions, portalLinks } from '~db/schema';
import { DEBTOR_INTENT } from '~/modules/backoffice/intents';
import * as debtorPage from '~/routes/app.debtors.$id';
import { action as logout } from '~/routes/portal.logout';
import { loader as overview } from '~/routes/portal._index';
import { loader as signedOut } from '~/routes/portal_.signed-out';
import { getDb } from '~/utils/db.server';
import { createDebtor, createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';

type Answer = { data: unknown; init?: { status?: number } | null };
const statusOf = (answer: unknown) =>
  answer instanceof Response ? answer.status : ((answer as Answer)?.init?.status ?? 200);
const dataOf = (answer: unknown) =>
  (answer && typeof answer === 'object' && 'init' in answer ? (answer as Answer).data : answer) as Record<
    string,
    unknown
  >;

async function setup() {
  const org = await createOrganization();
  const debtor = await createDebtor(org);
  const finance = await staffCookie(await createStaff(org, 'finance'));
  const { cookie, link } = await openPortal(debtor);
  return { org, debtor, finance, cookie, link };
}

/** Where the portal sends this cookie, and what the signed-out page makes of that address. */
async function landing(cookie: string) {
  const answer = (await settle(() => overview(routeArgs(getRequest('/portal', { cookie }))))) as Response;
  expect(answer.status).toBe(302);
  const location = answer.headers.get('Location')!;
  const page = await signedOut(routeArgs(getRequest(location)) as never);
  return { location, reason: page.reason };
}

const revoke = (s: Awaited<ReturnType<typeof setup>>, fields: Record<string, string>) =>
  settle(() =>
    debtorPage.action(
      routeArgs(
        formRequest(
          `/app/debtors/${s.debtor.id}`,
          { intent: DEBTOR_INTENT.revokeLinks, ...fields },
          {
            cookie: s.finance,
          },
        ),
        { id: s.debtor.id },
      ) as never,
    ),
  );

describe('the reason a portal session ended', () => {
  it('after "revoke all links" the open session lands on the page for a withdrawn link', async () => {
    const s = await setup();
    expect(statusOf(await settle(() => overview(routeArgs(getRequest('/portal', { cookie: s.cookie })))))).toBe(200);
    const answer = await revoke(s, { confirm: 'yes' });
    expect(statusOf(answer)).toBe(200);
    expect(dataOf(answer)).toEqual({ done: 'links_revoked', count: 1 });
    expect(await landing(s.cookie)).toEqual({ location: `/portal/signed-out?reason=revoked&o=${s.org.id}`, reason: 'revoked' });
  });

  it('after 30 minutes without activity it says idle, not revoked', async () => {
    const s = await setup();
    await getDb()
      .update(debtorSessions)
      .set({ lastSeenAt: sql`${debtorSessions.lastSeenAt} - interval '31 minutes'` })
      .where(eq(debtorSessions.debtorId, s.debtor.id));
    expect(await landing(s.cookie)).toEqual({ location: `/portal/signed-out?reason=idle&o=${s.org.id}`, reason: 'idle' });
  });

  it('an idle session revoked later still says idle (what ended it first)', async () => {
    const s = await setup();
    await getDb()
      .update(debtorSessions)
      .set({ lastSeenAt: sql`${debtorSessions.lastSeenAt} - interval '2 hours'` })
      .where(eq(debtorSessions.debtorId, s.debtor.id));
    expect(statusOf(await revoke(s, { confirm: 'yes' }))).toBe(200);
    expect((await landing(s.cookie)).reason).toBe('idle');
  });

  it("the debtor's own sign-out says signed out, also for the old cookie sent again", async () => {
    const s = await setup();
    const out = (await settle(() =>
      logout(routeArgs(formRequest('/portal/logout', {}, { cookie: s.cookie }))),
    )) as Response;
    expect(out.status).toBe(303);
    expect(out.headers.get('Location')).toBe(`/portal/signed-out?reason=signed_out&o=${s.org.id}`);
    expect(await landing(s.cookie)).toEqual({
      location: `/portal/signed-out?reason=signed_out&o=${s.org.id}`,
      reason: 'signed_out',
    });
  });

  it('without a session cookie there is no reason to give', async () => {
    const answer = (await settle(() => overview(routeArgs(getRequest('/portal'))))) as Response;
    expect(answer.headers.get('Location')).toBe('/portal/signed-out');
  });

  it('reads only a reason from the fixed list from the address', async () => {
    for (const [query, reason] of [
      ['?reason=revoked', 'revoked'],
      ['?reason=expired', 'expired'],
      ['?reason=%3Cscript%3E', null],
      ['?reason=revoked%20', null],
      ['?reason=constructor', null],
      ['', null],
    ] as const) {
      expect((await signedOut(routeArgs(getRequest(`/portal/signed-out${query}`)) as never)).reason, query).toBe(
        reason,
      );
    }
  });
});

describe('"revoke all links" asks for confirmation', () => {
  it('refuses without the confirmation field (400 naming it) and changes nothing', async () => {
    const s = await setup();
    for (const fields of [{}, { confirm: '' }, { confirm: 'no' }, { confirm: 'YES' }] as Record<string, string>[]) {
      const answer = await revoke(s, fields);
      expect(statusOf(answer), JSON.stringify(fields)).toBe(400);
      expect(dataOf(answer)).toEqual({
        done: null,
        errors: { confirm: { key: 'bo.debtor.revokeConfirm.missing' } },
      });
    }
    const [link] = await getDb().select().from(portalLinks).where(eq(portalLinks.jti, s.link.jti));
    expect(link.revokedAt).toBeNull();
    const revoked = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, s.org.id), eq(auditEvents.action, 'link.revoked_all')));
    expect(revoked).toEqual([]);
    expect(statusOf(await settle(() => overview(routeArgs(getRequest('/portal', { cookie: s.cookie })))))).toBe(200);
  });
});
