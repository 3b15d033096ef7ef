import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal, SealError } from './crypto.server';

const secret = 'sk_live_51Nabcdefghijklmnop';

describe('sealing secrets (AES-256-GCM)', () => {
  it('opens what it sealed, and every seal uses a fresh IV', () => {
    const a = seal(secret, 'org:1');
    const b = seal(secret, 'org:1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toContain(secret);
    expect(open(a, 'org:1')).toBe(secret);
    expect(open(b, 'org:1')).toBe(secret);
    const [, iv] = a.split('.');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
  });

  it('refuses an altered value, another context, another key and unknown versions', () => {
    const sealed = seal(secret, 'org:1');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    const altered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => open(altered, 'org:1')).toThrow(SealError);
    expect(() => open(sealed, 'org:2')).toThrow(SealError);
    expect(() => open(sealed, 'org:1', { key: randomBytes(32).toString('base64') })).toThrow(SealError);
    expect(() => open(`v2.${parts.slice(1).join('.')}`, 'org:1')).toThrow(SealError);
    expect(() => open('not sealed', 'org:1')).toThrow(SealError);
  });
});
