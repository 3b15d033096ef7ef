import { describe, expect, it } from 'vitest';
import { addressOf, formatFrom, parseRetryAfter } from './address';

describe('sender address', () => {
  it('puts the organisation name on our sending address', () => {
    expect(formatFrom('Veldkamp Installatietechniek', addressOf('Voldaan <noreply@voldaan.example>'))).toBe(
      '"Veldkamp Installatietechniek" <noreply@voldaan.example>',
    );
    expect(addressOf('noreply@voldaan.example')).toBe('noreply@voldaan.example');
    expect(formatFrom(null, 'noreply@voldaan.example')).toBe('noreply@voldaan.example');
  });

  it('cannot be made to add a header or a second address', () => {
    const from = formatFrom('Evil"\r\nBcc: x@y.z, "other', 'noreply@voldaan.example');
    expect(from).not.toMatch(/[\r\n]/);
    expect(from).toBe('"Evil\\" Bcc: x@y.z, \\"other" <noreply@voldaan.example>');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-08T08:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Sun, 08 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 08 Nov 2026 07:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
