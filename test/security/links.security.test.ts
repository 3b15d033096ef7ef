/**
 * Portal links (app/modules/links, /l/:token) as an attacker meets them: every token that is not
 * exactly one we issued, still valid, for an active debtor, lands on the friendly broken-link
 * page (303 to /link-help), sets no cookie and opens nothing, in both modes.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT, exportJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debtors, organizations, portalLinks } from '~db/schema';
import { getKeyRing, LINK_ALG } from '~/modules/links/keys.server';
import { issuePortalLink, revokeLink } from '~/modules/links/links.server';
import { LINK_AUDIENCE, LINK_ISSUER, MAX_TOKEN_LENGTH } from '~/modules/links/tokens.server';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { createDebtor, createOrganization } from '~test/factories';
import { cookieOf, mintLink, portalSigningKeys, startHeldApp } from './held-world';
import { MODES, showsStack, type Answer, type RunningApp, appNow, appNowSeconds, SOME_PAST_MOMENT } from './harness';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const segments = (token: string) => token.split('.') as [string, string, string];
const decode = (segment: string) =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Changes one character of a base64url segment to another valid one. */
function flipOne(segment: string, at = Math.floor(segment.length / 2)) {
  const c = segment[at];
  return segment.slice(0, at) + (c === 'A' ? 'B' : 'A') + segment.slice(at + 1);
}

/** An HS256 token over the claims, with `secret` as the HMAC key (jose refuses to sign that way itself for OKP keys). */
function hs256(header: Record<string, unknown>, claims: Record<string, unknown>, secret: Buffer | string) {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

describe.each(MODES)('portal links in %s mode', (mode) => {
  let app: RunningApp;
  let publicJwk: JWK;
  beforeAll(async () => {
    app = await startHeldApp(mode);
    publicJwk = (JSON.parse(await portalSigningKeys()) as { keys: JWK[] }).keys.map(({ kty, crv, x, kid }) => ({
      kty,
      crv,
      x,
      kid,
    }))[0];
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** The answer to a landing: a refusal leads to the help page, sets no cookie, shows no stack. */
  async function expectRefused(token: string, reason: 'invalid' | 'expired' = 'invalid'): Promise<Answer> {
    const answer = await app.request(`/l/${token}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toMatch(new RegExp(`^/link-help\\?reason=${reason}(&|$)`));
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(showsStack(answer.body)).toBe(false);
    return answer;
  }

  it('a genuine link opens a session: 303 to /portal with the portal cookie, and the portal opens', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { name: 'Echte Debiteur' });
    const link = await mintLink(debtor);
    const answer = await app.request(`/l/${link.token}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/portal');
    const cookie = cookieOf(answer);
    expect(cookie).toMatch(/vd_portal=/);
    const portal = await app.request('/portal', { headers: { cookie: cookie! } });
    expect(portal.status).toBe(200);
    expect(portal.body).toContain('Echte Debiteur');
    // The refusals below are refusals, not a broken landing: the help page they lead to is a page.
    const help = await app.request('/link-help?reason=invalid');
    expect(help.status).toBe(200);
    expect(showsStack(help.body)).toBe(false);
  });

  describe('tokens that are not ours', () => {
    let token: string;
    let claims: Record<string, unknown>;
    let header: Record<string, unknown>;
    beforeAll(async () => {
      const org = await createOrganization();
      const debtor = await createDebtor(org);
      token = (await mintLink(debtor)).token;
      header = decode(segments(token)[0]);
      claims = decode(segments(token)[1]);
    });

    it('one character changed in the payload', async () => {
      const [h, p, s] = segments(token);
      await expectRefused(`${h}.${flipOne(p)}.${s}`);
      await expectRefused(`${h}.${flipOne(p, 3)}.${s}`);
    });

    it('one character changed in the signature, or the signature of another token', async () => {
      const [h, p, s] = segments(token);
      await expectRefused(`${h}.${p}.${flipOne(s)}`);
      await expectRefused(`${h}.${p}.${flipOne(s, 0)}`);
      const other = segments((await mintLink(await createDebtor(await createOrganization()))).token);
      await expectRefused(`${h}.${p}.${other[2]}`);
    });

    it('truncated, emptied, or bloated tokens', async () => {
      const [h, p, s] = segments(token);
      await expectRefused(token.slice(0, -1));
      await expectRefused(token.slice(0, -12));
      await expectRefused(`${h}.${p}`);
      await expectRefused(`${h}.${p}.`);
      await expectRefused(`${h}..${s}`);
      await expectRefused(h);
      await expectRefused(`${token}.${s}`);
      await expectRefused(`${token}${'A'.repeat(MAX_TOKEN_LENGTH)}`);
    });

    it('garbage in the token segment never answers 500', async () => {
      for (const junk of [
        '%00',
        '%E2%80%AE',
        'a%2Fb',
        '..%2F..%2Fapp',
        "'%20or%201%3D1--",
        '%F0%9F%92%A3.%F0%9F%92%A3.x',
      ]) {
        const answer = await app.request(`/l/${junk}`);
        expect(answer.status, junk).toBeLessThan(500);
        expect(answer.headers['set-cookie'], junk).toBeUndefined();
        expect(showsStack(answer.body), junk).toBe(false);
      }
    });

    it('signed by another Ed25519 key, under our kid and under another', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      for (const kid of [String(header.kid), 'attacker-1']) {
        const forged = await new SignJWT(claims)
          .setProtectedHeader({ alg: LINK_ALG, kid, typ: 'JWT' })
          .sign(privateKey);
        await expectRefused(forged);
      }
    });

    it('alg: none, with and without a signature segment', async () => {
      for (const alg of ['none', 'None', 'NONE']) {
        const unsigned = `${b64url(JSON.stringify({ ...header, alg }))}.${b64url(JSON.stringify(claims))}`;
        await expectRefused(`${unsigned}.`);
        await expectRefused(unsigned);
        await expectRefused(`${unsigned}.${segments(token)[2]}`);
      }
    });

    it('HS256 with the public key as the HMAC secret (algorithm confusion)', async () => {
      const secrets: (string | Buffer)[] = [
        JSON.stringify(publicJwk),
        JSON.stringify({ keys: [publicJwk] }),
        String(publicJwk.x),
        Buffer.from(String(publicJwk.x), 'base64url'),
      ];
      for (const secret of secrets) {
        for (const alg of ['HS256', 'HS512']) {
          await expectRefused(hs256({ ...header, alg }, claims, secret));
        }
      }
      // An embedded key (jwk header) must not be trusted either.
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const embedded = await new SignJWT(claims)
        .setProtectedHeader({ alg: LINK_ALG, kid: String(header.kid), jwk: await exportJWK(publicKey) })
        .sign(privateKey);
      await expectRefused(embedded);
    });

    it("a claim swapped to another creditor's debtor breaks the signature", async () => {
      const otherOrg = await createOrganization();
      const victim = await createDebtor(otherOrg, { name: 'Slachtoffer Debiteur' });
      const [h, , s] = segments(token);
      for (const swapped of [
        { ...claims, sub: victim.id, org: otherOrg.id },
        { ...claims, sub: victim.id },
        { ...claims, org: otherOrg.id },
      ]) {
        const answer = await expectRefused(`${h}.${b64url(JSON.stringify(swapped))}.${s}`);
        // A forged token does not even learn which creditor's help page to show.
        expect(answer.headers.location).not.toContain(otherOrg.id);
      }
    });
  });

  it("a genuinely signed token whose claims do not match its record (another creditor's debtor) is refused", async () => {
    // Defence in depth: even with our key, a jti only opens the debtor and creditor it was issued for.
    const orgA = await createOrganization();
    const a1 = await createDebtor(orgA);
    const orgB = await createOrganization();
    const b1 = await createDebtor(orgB);
    const link = await mintLink(a1);
    const { signing } = await getKeyRing();
    const now = appNowSeconds();
    const sign = (sub: string, org: string) =>
      new SignJWT({ org, purpose: 'reminder' })
        .setProtectedHeader({ alg: LINK_ALG, kid: signing.kid, typ: 'JWT' })
        .setIssuer(LINK_ISSUER)
        .setAudience(LINK_AUDIENCE)
        .setSubject(sub)
        .setJti(link.jti)
        .setIssuedAt(now)
        .setExpirationTime(now + 3_600)
        .sign(signing.key);
    await expectRefused(await sign(b1.id, orgB.id));
    await expectRefused(await sign(b1.id, orgA.id));
    await expectRefused(await sign(a1.id, orgB.id));
    // Wrong audience or issuer, with our key: refused too.
    const wrongAudience = await new SignJWT({ org: orgA.id, purpose: 'reminder' })
      .setProtectedHeader({ alg: LINK_ALG, kid: signing.kid })
      .setIssuer(LINK_ISSUER)
      .setAudience('someone-else')
      .setSubject(a1.id)
      .setJti(link.jti)
      .setIssuedAt(now)
      .setExpirationTime(now + 3_600)
      .sign(signing.key);
    await expectRefused(wrongAudience);
    // The genuine one still works: the refusals were about the claims.
    expect((await app.request(`/l/${link.token}`)).status).toBe(303);
  });

  it('an expired link lands on the "expired" help page; its record says expired too', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const issuedLongAgo = fixedClock(new Date(appNow().getTime() - 40 * 86_400_000));
    const link = await getDb().transaction((tx) =>
      issuePortalLink(
        tx,
        { organizationId: org.id, debtorId: debtor.id, purpose: 'reminder', ttlDays: 30 },
        { clock: issuedLongAgo },
      ),
    );
    const answer = await expectRefused(link.token, 'expired');
    expect(answer.headers.location).toContain(`o=${org.id}`);
    const [row] = await getDb().select().from(portalLinks).where(eq(portalLinks.jti, link.jti));
    expect(row.useCount).toBe(0);
  });

  it('a revoked link, and a link of a deleted or deactivated debtor or creditor, open nothing', async () => {
    const org = await createOrganization();
    const revokedFor = await createDebtor(org);
    const revoked = await mintLink(revokedFor);
    await getDb().transaction((tx) => revokeLink(tx, org.id, revoked.jti, { type: 'system' }));
    await expectRefused(revoked.token);

    const deleted = await createDebtor(org);
    const deletedLink = await mintLink(deleted);
    await getDb().update(debtors).set({ deletedAt: SOME_PAST_MOMENT }).where(eq(debtors.id, deleted.id));
    await expectRefused(deletedLink.token);

    const inactive = await createDebtor(org);
    const inactiveLink = await mintLink(inactive);
    await getDb().update(debtors).set({ active: false }).where(eq(debtors.id, inactive.id));
    await expectRefused(inactiveLink.token);

    const closedOrg = await createOrganization();
    const ofClosed = await mintLink(await createDebtor(closedOrg));
    await getDb().update(organizations).set({ active: false }).where(eq(organizations.id, closedOrg.id));
    await expectRefused(ofClosed.token);

    // A token whose record is gone (never issued here) is unknown.
    await getDb().delete(portalLinks).where(eq(portalLinks.jti, revoked.jti));
    await expectRefused(revoked.token);
  });

  it('revoking a link also ends the session it opened', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    const link = await mintLink(debtor);
    const cookie = cookieOf(await app.request(`/l/${link.token}`))!;
    expect((await app.request('/portal', { headers: { cookie } })).status).toBe(200);
    await getDb().transaction((tx) => revokeLink(tx, org.id, link.jti, { type: 'system' }));
    const after = await app.request('/portal', { headers: { cookie } });
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe(`/portal/signed-out?reason=revoked&o=${org.id}`);
  });
});
