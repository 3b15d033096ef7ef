import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { getEnv } from '~/utils/env.server';

/**
 * Secrets at rest (payment-provider API keys, webhook secrets): AES-256-GCM under the
 * application key APP_ENCRYPTION_KEY (32 bytes, base64), a fresh random 12-byte IV per value
 * and the 16-byte authentication tag, so a changed byte fails to open instead of decrypting
 * to garbage. `context` is bound in as additional authenticated data (e.g. the organization
 * id), so a sealed value copied onto another row does not open there.
 *
 * Format (text, versioned so the scheme can change later): `v1.<iv>.<tag>.<ciphertext>`,
 * each part base64url.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

function keyFrom(base64?: string): Buffer {
  const key = Buffer.from(base64 ?? getEnv().APP_ENCRYPTION_KEY, 'base64');
  if (key.length !== 32) throw new SealError('the encryption key must be 32 bytes (base64)');
  return key;
}

export function seal(plaintext: string, context: string, { key }: { key?: string } = {}): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/** Opens a sealed value; throws SealError when it was altered, sealed under another key or for another context. */
export function open(sealed: string, context: string, { key }: { key?: string } = {}): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SealError('not a sealed value of a known version');
  const [, ivText, tagText, bodyText] = parts;
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealError('malformed sealed value');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(key), iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealError('the sealed value does not open: altered, another key, or another context');
  }
}
