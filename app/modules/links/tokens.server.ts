import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { PortalLink } from '~db/schema';
import { getKeyRing, LINK_ALG, type KeyRing } from './keys.server';
import { isUuid } from '~/utils/ids';

export const LINK_ISSUER = 'voldaan';
export const LINK_AUDIENCE = 'voldaan-portal';
/** Well above any token we issue (~400 characters); anything longer is refused unparsed. */
export const MAX_TOKEN_LENGTH = 1024;

export type LinkClaims = {
  sub: string;
  org: string;
  jti: string;
  purpose: PortalLink['purpose'];
  iat: number;
  exp: number;
};

export async function signLinkToken(
  claims: { debtorId: string; organizationId: string; jti: string; purpose: PortalLink['purpose'] },
  issuedAt: Date,
  expiresAt: Date,
  ring?: KeyRing,
) {
  const { signing } = ring ?? (await getKeyRing());
  return new SignJWT({ org: claims.organizationId, purpose: claims.purpose })
    .setProtectedHeader({ alg: LINK_ALG, kid: signing.kid, typ: 'JWT' })
    .setIssuer(LINK_ISSUER)
    .setAudience(LINK_AUDIENCE)
    .setSubject(claims.debtorId)
    .setJti(claims.jti)
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(signing.key);
}

export type VerifyFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'bad_claims';
export type VerifyResult =
  { ok: true; claims: LinkClaims } | { ok: false; reason: VerifyFailure; organizationId?: string };

/**
 * Verifies a link token: only Ed25519, our issuer and audience, not expired, signed by a key
 * in the ring. An expired but genuine token still tells which creditor it was for, so the
 * page that offers a fresh link can scope its lookup.
 */
export async function verifyLinkToken(token: string, now: Date, ring?: KeyRing): Promise<VerifyResult> {
  if (
    typeof token !== 'string' ||
    token.length === 0 ||
    token.length > MAX_TOKEN_LENGTH ||
    !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== LINK_ALG || typeof header.kid !== 'string') return { ok: false, reason: 'bad_claims' };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { verifying } = ring ?? (await getKeyRing());
  const options = {
    algorithms: [LINK_ALG],
    issuer: LINK_ISSUER,
    audience: LINK_AUDIENCE,
    requiredClaims: ['sub', 'jti', 'iat', 'exp', 'org', 'purpose'],
    currentDate: now,
  };
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: verifying }), options);
    if (!isUuid(String(payload.sub)) || !isUuid(String(payload.org))) return { ok: false, reason: 'bad_claims' };
    return { ok: true, claims: payload as unknown as LinkClaims };
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      const org = error.payload?.org;
      return {
        ok: false,
        reason: 'expired',
        organizationId: typeof org === 'string' && isUuid(org) ? org : undefined,
      };
    }
    if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: 'unknown_key' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad_signature' };
    if (error instanceof errors.JOSEError) return { ok: false, reason: 'bad_claims' };
    return { ok: false, reason: 'malformed' };
  }
}
