import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateSigningJwk, keyRingFromJwks } from './keys.server';
import { signLinkToken, verifyLinkToken } from './tokens.server';

const debtorId = randomUUID();
const organizationId = randomUUID();
const now = new Date('2026-11-23T10:00:00Z');
const in30Days = new Date(now.getTime() + 30 * 86_400_000);

async function ring(...jwks: object[]) {
  return keyRingFromJwks(JSON.stringify({ keys: jwks }));
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('link tokens', () => {
  it('signs with Ed25519 and a kid, and verifies its claims', async () => {
    const keyA = await generateSigningJwk('a');
    const r = await ring(keyA);
    const jti = randomUUID();
    const token = await signLinkToken({ debtorId, organizationId, jti, purpose: 'reminder' }, now, in30Days, r);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'Ed25519', kid: 'a' });
    const result = await verifyLinkToken(token, now, r);
    expect(result).toEqual({
      ok: true,
      claims: expect.objectContaining({
        sub: debtorId,
        org: organizationId,
        jti,
        purpose: 'reminder',
        iss: 'voldaan',
        aud: 'voldaan-portal',
      }),
    });
  });

  it('refuses garbage, truncated, oversized and alg:none tokens as malformed', async () => {
    const r = await ring(await generateSigningJwk('a'));
    const token = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      r,
    );
    for (const bad of [
      '',
      'hello',
      'a.b',
      token
        .slice(0, token.length - 20)
        .split('.')
        .slice(0, 2)
        .join('.'),
      'x'.repeat(5000),
      `${token}.extra`,
    ]) {
      expect(await verifyLinkToken(bad, now, r)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: debtorId, org: organizationId })}.`;
    expect((await verifyLinkToken(none, now, r)).ok).toBe(false);
  });

  it('refuses a truncated signature and a tampered payload', async () => {
    const r = await ring(await generateSigningJwk('a'));
    const token = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      r,
    );
    const [h, p, s] = token.split('.');
    expect(await verifyLinkToken(`${h}.${p}.${s.slice(0, 40)}`, now, r)).toMatchObject({ ok: false });
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${b64({ ...payload, sub: randomUUID() })}.${s}`;
    expect(await verifyLinkToken(tampered, now, r)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token signed with a key outside the ring, even under a known kid', async () => {
    const ours = await ring(await generateSigningJwk('a'));
    const theirs = await ring(await generateSigningJwk('a'));
    const forged = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      theirs,
    );
    expect(await verifyLinkToken(forged, now, ours)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const other = await ring(await generateSigningJwk('z'));
    const unknownKid = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      other,
    );
    expect(await verifyLinkToken(unknownKid, now, ours)).toMatchObject({ ok: false, reason: 'unknown_key' });
  });

  it('refuses an HMAC token keyed with our public key (algorithm confusion)', async () => {
    const jwk = await generateSigningJwk('a');
    const r = await ring(jwk);
    const secret = new TextEncoder().encode(String(jwk.x));
    const token = await new SignJWT({ org: organizationId, purpose: 'reminder' })
      .setProtectedHeader({ alg: 'HS256', kid: 'a' })
      .setSubject(debtorId)
      .setJti(randomUUID())
      .setIssuer('voldaan')
      .setAudience('voldaan-portal')
      .setIssuedAt()
      .setExpirationTime('1d')
      .sign(secret);
    expect(await verifyLinkToken(token, now, r)).toMatchObject({ ok: false });
  });

  it('reports an expired token as expired and still names its creditor', async () => {
    const r = await ring(await generateSigningJwk('a'));
    const token = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      r,
    );
    const later = new Date(in30Days.getTime() + 1000);
    expect(await verifyLinkToken(token, later, r)).toEqual({ ok: false, reason: 'expired', organizationId });
  });

  it('keeps links signed with the previous key working after rotation, until that key is removed', async () => {
    const oldKey = await generateSigningJwk('old');
    const newKey = await generateSigningJwk('new');
    const before = await ring(oldKey);
    const token = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      before,
    );

    const rotated = await ring(newKey, oldKey);
    expect(rotated.signing.kid).toBe('new');
    expect((await verifyLinkToken(token, now, rotated)).ok).toBe(true);
    const fresh = await signLinkToken(
      { debtorId, organizationId, jti: randomUUID(), purpose: 'reminder' },
      now,
      in30Days,
      rotated,
    );
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe('new');

    const removed = await ring(newKey);
    expect(await verifyLinkToken(token, now, removed)).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect((await verifyLinkToken(fresh, now, removed)).ok).toBe(true);
  });

  it('rejects a key set without a private key, with a duplicate kid, or that is not JSON', async () => {
    const k = await generateSigningJwk('a');
    await expect(keyRingFromJwks('nope')).rejects.toThrow(/PORTAL_SIGNING_KEYS is invalid/);
    await expect(keyRingFromJwks(JSON.stringify({ keys: [{ ...k, d: undefined }] }))).rejects.toThrow(/private key/);
    await expect(keyRingFromJwks(JSON.stringify({ keys: [k, k] }))).rejects.toThrow(/appears twice/);
  });
});
