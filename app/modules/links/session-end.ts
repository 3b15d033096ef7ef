/**
 * Why a debtor's portal session ended, as the signed-out page explains it. The reason travels in
 * the address (`/portal/signed-out?reason=…`), so it is read back only from this fixed list: a
 * value that is not on it is no reason at all (the page then says only that nobody is signed in).
 */
export const SESSION_END_REASONS = ['revoked', 'idle', 'expired', 'signed_out'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export const SIGNED_OUT_PATH = '/portal/signed-out';

export function parseSessionEndReason(value: string | null | undefined): SessionEndReason | null {
  return (SESSION_END_REASONS as readonly (string | null | undefined)[]).includes(value)
    ? (value as SessionEndReason)
    : null;
}

/**
 * The signed-out page's address for a reason (none: the bare page), naming the creditor (`o`) when
 * known so the page can show how to reach them.
 */
export function signedOutPath(reason: SessionEndReason | null, organizationId?: string | null) {
  const query = new URLSearchParams();
  if (reason) query.set('reason', reason);
  if (organizationId) query.set('o', organizationId);
  const search = query.toString();
  return search ? `${SIGNED_OUT_PATH}?${search}` : SIGNED_OUT_PATH;
}

export type EndedSession = {
  now: Date;
  /** When the session was ended on the server (the debtor signed out, or the creditor revoked). */
  revokedAt: Date | null;
  /** When the link that opened the session was revoked (null: not revoked, or no link on record). */
  linkRevokedAt: Date | null;
  lastSeenAt: Date;
  expiresAt: Date;
  idleMs: number;
};

/**
 * Why a session that no longer opens the portal ended, or null while it is still live: whichever
 * end came first. A session ended on the server together with (or after) its link was revoked by
 * the creditor; one ended on the server while its link stayed valid was signed out by the debtor.
 */
export function sessionEndReason(s: EndedSession): SessionEndReason | null {
  const ends: [number, SessionEndReason][] = [
    [s.lastSeenAt.getTime() + s.idleMs, 'idle'],
    [s.expiresAt.getTime(), 'expired'],
  ];
  const now = s.now.getTime();
  const timedOut = ends.filter(([at]) => at <= now).sort((a, b) => a[0] - b[0])[0];
  if (s.revokedAt) {
    const revoked: [number, SessionEndReason] = [
      s.revokedAt.getTime(),
      s.linkRevokedAt && s.linkRevokedAt.getTime() <= s.revokedAt.getTime() ? 'revoked' : 'signed_out',
    ];
    return timedOut && timedOut[0] < revoked[0] ? timedOut[1] : revoked[1];
  }
  return timedOut ? timedOut[1] : null;
}
