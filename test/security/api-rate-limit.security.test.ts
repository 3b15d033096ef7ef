/**
 * The Bearer API is limited per key (API_RATE_LIMIT_PER_MINUTE, here 5), counted in PostgreSQL so
 * that every web process shares the count: the request over the limit is answered 429 with
 * Retry-After and does nothing, another key goes on, and requests without a valid key are counted
 * per client address so that guessing keys is throttled too.
 */
import { and, count, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoices, rateLimits } from '~db/schema';
import { API_BAD_KEY_LIMIT_PER_MINUTE } from '~/modules/api/http.server';
import { getDb } from '~/utils/db.server';
import { createOrganization } from '~test/factories';
import { createApiKeyFor } from '~test/factories-intake';
import { MODES, startApp, type Answer, type RunningApp } from './harness';

// Each start gets its own instance of the build: two instances share nothing but the database.

const LIMIT = { API_RATE_LIMIT_PER_MINUTE: '5' };

const invoiceBody = JSON.stringify({
  debtor: { externalRef: 'RL-1', kind: 'business', name: 'Bakkerij B.V.', email: 'ap@bakkerij.example' },
  issueDate: '2026-03-01',
  dueDate: '2026-03-31',
  totalCents: 60_500,
});

const listPayments = (app: RunningApp, key: string) =>
  app.request('/api/v1/payments', { headers: { authorization: `Bearer ${key}` } });

function expectRateLimited(answer: Answer) {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'rate_limited', message: expect.any(String) } });
}

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(mode, LIMIT);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers the 6th request of a key within a minute 429 with Retry-After, and does nothing', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org, 'Busy');
    const other = await createApiKeyFor(org, 'Quiet');

    for (let i = 0; i < 5; i++) {
      const answer = await listPayments(app, key);
      expect(answer.status).toBe(200);
      expect(answer.headers['ratelimit-limit']).toBe('5');
      expect(answer.headers['ratelimit-remaining']).toBe(String(4 - i));
      expect(Number(answer.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    }

    const refused = await app.request('/api/v1/invoices/RL-2026-1', {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: invoiceBody,
    });
    expectRateLimited(refused);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    const [stored] = await getDb()
      .select({ n: count() })
      .from(invoices)
      .where(and(eq(invoices.organizationId, org.id), eq(invoices.number, 'RL-2026-1')));
    expect(stored.n).toBe(0);

    // Another key of the same creditor is counted on its own.
    const quiet = await listPayments(app, other.key);
    expect(quiet.status).toBe(200);
    expect(quiet.headers['ratelimit-remaining']).toBe('4');
  });

  it('shares the count between two app instances on one database', async () => {
    const org = await createOrganization();
    const { key, apiKey } = await createApiKeyFor(org, 'Shared');
    const second = await startApp(mode, LIMIT);
    try {
      const answers = [];
      for (const instance of [app, second, app, second, app]) answers.push((await listPayments(instance, key)).status);
      expect(answers).toEqual([200, 200, 200, 200, 200]);
      expectRateLimited(await listPayments(second, key));
      expectRateLimited(await listPayments(app, key));
    } finally {
      await second.stop();
    }
    const [row] = await getDb()
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `api-key:${apiKey.id}`));
    expect(row.count).toBe(7);
  });

  it('counts requests without a valid key per address: past the limit 429, a valid key still served', async () => {
    // The other mode's run filled this address's count in the same minute.
    await getDb().delete(rateLimits).where(like(rateLimits.key, 'api-ip:%'));
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org, 'Honest');
    const guesses: number[] = [];
    for (let i = 0; i < API_BAD_KEY_LIMIT_PER_MINUTE; i++) {
      const guess = `vk_live_${String(i).padStart(43, 'A')}`;
      guesses.push((await listPayments(app, guess)).status);
    }
    expect(new Set(guesses)).toEqual(new Set([401]));
    expectRateLimited(await listPayments(app, `vk_live_${'B'.repeat(43)}`));
    expectRateLimited(await app.request('/api/v1/payments'));
    expect((await listPayments(app, key)).status).toBe(200);
  });
});
