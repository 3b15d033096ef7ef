import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { getEnv } from '~/utils/env.server';

export const LINK_ALG = 'Ed25519';

export type KeyRing = {
  /** The key that signs new links: the first private key in the set. */
  signing: { kid: string; key: CryptoKey };
  /** Public halves of every key in the set: links signed by any of them verify. */
  verifying: JWK[];
};

/**
 * Builds a key ring from a JWK set (JSON). Rotation: put the new key first, keep the old
 * ones after it until their links have expired, then remove them.
 */
export async function keyRingFromJwks(json: string): Promise<KeyRing> {
  let parsed: { keys?: JWK[] };
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('PORTAL_SIGNING_KEYS is invalid: expected a JSON JWK set {"keys":[...]}');
  }
  const keys = parsed.keys ?? [];
  const kids = new Set<string>();
  for (const k of keys) {
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519' || !k.kid || !k.x)
      throw new Error('PORTAL_SIGNING_KEYS is invalid: expected Ed25519 (OKP) keys, each with a kid');
    if (kids.has(k.kid)) throw new Error(`PORTAL_SIGNING_KEYS is invalid: kid ${k.kid} appears twice`);
    kids.add(k.kid);
  }
  const first = keys.find((k) => k.d);
  if (!first) throw new Error('PORTAL_SIGNING_KEYS is invalid: expected at least one private key (with "d")');
  return {
    signing: { kid: first.kid!, key: (await importJWK({ ...first, alg: LINK_ALG }, LINK_ALG)) as CryptoKey },
    verifying: keys.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid, alg: LINK_ALG, use: 'sig' })),
  };
}

export async function generateSigningJwk(kid = `k${Date.now().toString(36)}`): Promise<JWK> {
  const { privateKey } = await generateKeyPair(LINK_ALG, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: LINK_ALG, use: 'sig' };
}

let ring: Promise<KeyRing> | undefined;

/**
 * The key ring in force: PORTAL_SIGNING_KEYS when set; otherwise (development and tests only,
 * production refuses to start without it) a key generated once and kept under DATA_DIR.
 */
export function getKeyRing(): Promise<KeyRing> {
  ring ??= (async () => {
    const env = getEnv();
    if (env.PORTAL_SIGNING_KEYS) return keyRingFromJwks(env.PORTAL_SIGNING_KEYS);
    if (env.NODE_ENV === 'test') return keyRingFromJwks(JSON.stringify({ keys: [await generateSigningJwk('test')] }));
    const file = path.resolve(env.DATA_DIR, 'portal-signing-keys.json');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ keys: [await generateSigningJwk('dev-1')] }, null, 2), { mode: 0o600 });
    }
    return keyRingFromJwks(fs.readFileSync(file, 'utf8'));
  })();
  return ring;
}

/** For tests: use this ring from now on (or go back to the configured one with undefined). */
export function setKeyRing(next: KeyRing | undefined) {
  ring = next ? Promise.resolve(next) : undefined;
}
