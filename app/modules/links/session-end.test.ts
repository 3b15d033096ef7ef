import { describe, expect, it } from 'vitest';
import { parseSessionEndReason, sessionEndReason, signedOutPath, type EndedSession } from './session-end';

const IDLE = 30 * 60_000;
const at = (iso: string) => new Date(`2026-03-02T${iso}Z`);

/** A session opened at 09:00 (12 hours at most), last seen at 10:00. */
function session(patch: Partial<EndedSession>): EndedSession {
  return {
    now: at('10:10:00'),
    revokedAt: null,
    linkRevokedAt: null,
    lastSeenAt: at('10:00:00'),
    expiresAt: at('21:00:00'),
    idleMs: IDLE,
    ...patch,
  };
}

describe('why a portal session ended', () => {
  it('names no reason while the session is live', () => {
    expect(sessionEndReason(session({}))).toBeNull();
    expect(sessionEndReason(session({ now: at('10:29:59') }))).toBeNull();
  });

  it('says idle after 30 minutes without activity, expired at its maximum age', () => {
    expect(sessionEndReason(session({ now: at('10:30:00') }))).toBe('idle');
    expect(sessionEndReason(session({ now: at('21:00:00'), lastSeenAt: at('20:50:00') }))).toBe('expired');
    // Both passed: the one that came first.
    expect(sessionEndReason(session({ now: at('22:00:00'), lastSeenAt: at('20:50:00') }))).toBe('expired');
    expect(sessionEndReason(session({ now: at('22:00:00') }))).toBe('idle');
  });

  it('says revoked when the session ended with (or after) its link was withdrawn', () => {
    expect(sessionEndReason(session({ revokedAt: at('10:05:00'), linkRevokedAt: at('10:05:00') }))).toBe('revoked');
    expect(sessionEndReason(session({ revokedAt: at('10:06:00'), linkRevokedAt: at('10:05:00') }))).toBe('revoked');
  });

  it('says signed out when the session ended while its link stayed valid (or was withdrawn only later)', () => {
    expect(sessionEndReason(session({ revokedAt: at('10:05:00') }))).toBe('signed_out');
    expect(sessionEndReason(session({ revokedAt: at('10:05:00'), linkRevokedAt: at('10:08:00') }))).toBe('signed_out');
  });

  it('keeps an idle timeout that came before a later revocation', () => {
    expect(
      sessionEndReason(session({ now: at('12:00:00'), revokedAt: at('11:00:00'), linkRevokedAt: at('11:00:00') })),
    ).toBe('idle');
  });

  it('reads a reason from the address only from the fixed list', () => {
    for (const reason of ['revoked', 'idle', 'expired', 'signed_out'] as const) {
      expect(parseSessionEndReason(reason)).toBe(reason);
      expect(signedOutPath(reason)).toBe(`/portal/signed-out?reason=${reason}`);
    }
    for (const value of [null, undefined, '', 'REVOKED', 'revoked ', '<script>', 'toString', '__proto__'])
      expect(parseSessionEndReason(value)).toBeNull();
    expect(signedOutPath(null)).toBe('/portal/signed-out');
  });
});
