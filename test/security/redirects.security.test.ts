/**
 * Open redirect (issue 12, finding 3): a redirect target taken from the request goes through one
 * function (safeRedirect in app/utils/http.server.ts). Through the real server, a correct sign-in
 * and a language choice with a hostile `redirectTo` land on a path of this site, never on `//…` or
 * another host, and a CR/LF never makes a 500.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StaffUser } from '~db/schema';
import { getDb } from '~/utils/db.server';
import { createOrganization, createStaff, TEST_PASSWORD } from '~test/factories';
import { MODES, showsStack, startApp, type Answer, type RunningApp } from './harness';

const HOSTILE = [
  '/\t/evil.example',
  '/app/../\\evil.example',
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\/evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  '/.//evil.example',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  '/%09/evil.example',
  '/\r\nSet-Cookie: planted=1',
  '/%0d%0aSet-Cookie:%20planted=1',
  '/%250d%250aSet-Cookie:%20planted=1',
  '/app\u0000',
];

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  let staff: StaffUser;

  beforeAll(async () => {
    app = await startApp(mode);
    staff = await createStaff(await createOrganization(), 'admin');
  });
  afterAll(async () => {
    await app?.stop();
  });
  // Every sign-in here comes from 127.0.0.1: the per-address throttle must not be what answers.
  beforeEach(async () => {
    await getDb().execute(sql`delete from rate_limits`);
  });

  /** The Location goes to a path of this site, whatever a browser makes of it. */
  function expectLocalRedirect(answer: Answer, status: number, expected: string) {
    expect(answer.status).toBe(status);
    expect(showsStack(answer.body)).toBe(false);
    const location = String(answer.headers.location);
    expect(location).toBe(expected);
    expect(new URL(location, `${app.origin}/login`).origin).toBe(app.origin);
    expect(JSON.stringify(answer.headers['set-cookie'] ?? [])).not.toContain('planted');
  }

  it.each(HOSTILE)('a correct sign-in with redirectTo=%j lands on /app', async (redirectTo) => {
    const answer = await app.postForm('/login', { email: staff.email, password: TEST_PASSWORD, redirectTo });
    expectLocalRedirect(answer, 302, '/app');
  });

  it('a raw CR/LF in the form body (not %-encoded) lands on /app, not on a 500', async () => {
    const answer = await app.request('/login', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: app.origin,
        'sec-fetch-site': 'same-origin',
      },
      body: `email=${encodeURIComponent(staff.email)}&password=${encodeURIComponent(TEST_PASSWORD)}&redirectTo=/\r\nSet-Cookie: planted=1`,
    });
    expectLocalRedirect(answer, 302, '/app');
  });

  it('a sign-in keeps a genuine target of this site, normalized', async () => {
    for (const [redirectTo, expected] of [
      ['/app/debtors?q=Jansen&page=2', '/app/debtors?q=Jansen&page=2'],
      ['/app/settings/./payments', '/app/settings/payments'],
    ]) {
      const answer = await app.postForm('/login', { email: staff.email, password: TEST_PASSWORD, redirectTo });
      expectLocalRedirect(answer, 302, expected);
    }
  });

  it.each(HOSTILE)('POST /language with redirectTo=%j returns to /', async (redirectTo) => {
    const answer = await app.postForm('/language', { locale: 'en', redirectTo });
    expectLocalRedirect(answer, 303, '/');
  });

  it('POST /language returns to the page it came from', async () => {
    const answer = await app.postForm('/language', { locale: 'nl', redirectTo: '/portal/signed-out?x=1' });
    expectLocalRedirect(answer, 303, '/portal/signed-out?x=1');
  });
});
