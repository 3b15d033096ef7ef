/**
 * Trusted proxies (issue 12, "also observed"): the per-address limits key on the peer's address,
 * and X-Forwarded-For is believed only from as many proxy hops as TRUSTED_PROXIES says (default
 * none, in every mode). Without a trusted proxy, rotating the header does not escape the
 * per-address throttle of /link-help (the sign-in throttle keys the same way, but costs a password
 * hash per attempt); with TRUSTED_PROXIES=1 the forwarded address is the one that counts.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRESH_LINK_LIMIT_PER_IP } from '~/modules/links/fresh-link.server';
import { getDb } from '~/utils/db.server';
import { MODES, startApp, type RunningApp } from './harness';

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp | undefined;
  beforeEach(async () => {
    await getDb().execute(sql`delete from rate_limits`);
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  const addressesCounted = async () =>
    (
      await getDb().execute<{ key: string }>(
        sql`select key from rate_limits where key like 'fresh-link:ip:%' order by key`,
      )
    ).map((row) => row.key.slice('fresh-link:ip:'.length));

  /** A fresh-link request for its own email address each time, so only the per-client limit can throttle. */
  const askLink = (running: RunningApp, n: number, forwardedFor: string) =>
    running.postForm('/link-help', { email: `nobody-${mode}-${n}@test.example` }, { 'x-forwarded-for': forwardedFor });

  it('by default a client cannot pick its address with X-Forwarded-For', async () => {
    app = await startApp(mode);
    for (let n = 0; n < FRESH_LINK_LIMIT_PER_IP; n++) {
      expect((await askLink(app, n, `198.51.100.${n + 1}`)).status).toBe(200);
    }
    // The header changed every time, yet all of them counted against the one real peer.
    expect((await askLink(app, FRESH_LINK_LIMIT_PER_IP, '203.0.113.77')).status).toBe(429);
    expect(await addressesCounted()).toEqual(['127.0.0.1']);
  });

  it('with TRUSTED_PROXIES=1 the address the proxy forwards is the client', async () => {
    app = await startApp(mode, { TRUSTED_PROXIES: '1' });
    for (let n = 0; n <= FRESH_LINK_LIMIT_PER_IP; n++) {
      expect((await askLink(app, n, `198.51.100.${n + 1}`)).status).toBe(200);
    }
    // More requests than one address may make, none throttled: each counted for its forwarded address.
    expect(await addressesCounted()).toContain('198.51.100.1');
    expect(await addressesCounted()).not.toContain('127.0.0.1');
  });
});
