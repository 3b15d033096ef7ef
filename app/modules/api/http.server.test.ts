import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rateLimits } from '~db/schema';
import { createOrganization } from '~test/factories';
import { apiRequest, createApiKeyFor } from '~test/factories-intake';
import { fixedClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { CLIENT_IP_HEADER } from '~/utils/rate-limit.server';
import { LedgerError } from '~/modules/ledger/ledger.server';
import { API_BAD_KEY_LIMIT_PER_MINUTE, apiHandler, apiJson, authenticate } from './http.server';
import { openApiDocument } from './openapi';

type ErrorBody = { error: { code: string; message: string } };

/** One API call as a route makes it: authenticate first, then answer. */
function call(key: string | undefined, clock: Clock, options: { limit?: number; ip?: string } = {}) {
  const request = apiRequest('/api/v1/payments', {
    key,
    headers: options.ip ? { [CLIENT_IP_HEADER]: options.ip } : {},
  });
  return apiHandler(request, async () => {
    await authenticate(request, { clock, limitPerMinute: options.limit ?? 3 });
    return apiJson({ ok: true });
  });
}

describe('API rate limit per key', () => {
  it('allows the limit per minute, then answers 429 with Retry-After until the window resets', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const clock = fixedClock('2026-06-01T10:00:00.000Z');

    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await call(key, clock);
      expect(response.status).toBe(200);
      expect(response.headers.get('RateLimit-Limit')).toBe('3');
      expect(response.headers.get('RateLimit-Reset')).toBe('60');
      remaining.push(response.headers.get('RateLimit-Remaining'));
    }
    expect(remaining).toEqual(['2', '1', '0']);

    clock.set('2026-06-01T10:00:20.500Z');
    const refused = await call(key, clock);
    expect(refused.status).toBe(429);
    // 39.5 s left in the window, rounded up to whole seconds.
    expect(refused.headers.get('Retry-After')).toBe('40');
    expect(refused.headers.get('RateLimit-Remaining')).toBe('0');
    expect(refused.headers.get('RateLimit-Reset')).toBe('40');
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/more than 3 requests this minute/);

    clock.set('2026-06-01T10:00:59.900Z');
    const last = await call(key, clock);
    expect(last.status).toBe(429);
    // Never 0: a client that retries at once would only be refused again.
    expect(last.headers.get('Retry-After')).toBe('1');

    clock.set('2026-06-01T10:01:00.000Z');
    const fresh = await call(key, clock);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('RateLimit-Remaining')).toBe('2');
    expect(fresh.headers.get('RateLimit-Reset')).toBe('60');
  });

  it('counts each key on its own, in the shared table', async () => {
    const org = await createOrganization();
    const first = await createApiKeyFor(org, 'First');
    const second = await createApiKeyFor(org, 'Second');
    const clock = fixedClock('2026-06-02T10:00:00.000Z');
    for (let i = 0; i < 3; i++) expect((await call(first.key, clock)).status).toBe(200);
    expect((await call(first.key, clock)).status).toBe(429);
    expect((await call(second.key, clock)).status).toBe(200);

    const [row] = await getDb()
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `api-key:${first.apiKey.id}`));
    expect(row.count).toBe(4);
    expect(row.resetAt.toISOString()).toBe('2026-06-02T10:01:00.000Z');
  });

  it('counts requests without a valid key per client address and answers 429 past the limit', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const clock = fixedClock('2026-06-03T10:00:00.000Z');
    const guess = `vk_live_${'A'.repeat(43)}`;

    for (let i = 0; i < API_BAD_KEY_LIMIT_PER_MINUTE; i++) {
      const response = await call(i % 2 ? guess : undefined, clock, { ip: '203.0.113.7' });
      expect(response.status).toBe(401);
    }
    const refused = await call(guess, clock, { ip: '203.0.113.7' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('60');
    expect(((await refused.json()) as ErrorBody).error.code).toBe('rate_limited');

    // Another address still hears 401, and a valid key from the throttled address is served.
    expect((await call(guess, clock, { ip: '203.0.113.8' })).status).toBe(401);
    expect((await call(key, clock, { ip: '203.0.113.7' })).status).toBe(200);

    clock.set('2026-06-03T10:01:00.000Z');
    expect((await call(guess, clock, { ip: '203.0.113.7' })).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('states the limit and documents the 429 and the quota headers on every operation', () => {
    const doc = openApiDocument('https://pay.example/api/v1', 600);
    expect(doc.info.description).toContain('600 requests per minute');
    const operations = Object.values(doc.paths).flatMap((path) => Object.values(path)) as {
      responses: Record<string, { headers?: Record<string, unknown> }>;
    }[];
    expect(operations).toHaveLength(10);
    for (const operation of operations) {
      expect(Object.keys(operation.responses['429'].headers ?? {})).toEqual([
        'Retry-After',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
      ]);
      expect(operation.responses['200'].headers).toHaveProperty('RateLimit-Remaining');
    }
  });
});

describe('errors', () => {
  it.each([
    [new LedgerError('exceeds_owed', 'the amount is more than the 100 cents owed'), 409],
    [new LedgerError('invoice_not_found', 'no such invoice'), 404],
    [new LedgerError('invalid_entry', 'bad amount'), 400],
  ] as const)('a ledger refusal that reaches the API is a 4xx with its code, never a 500', async (error, status) => {
    const response = await apiHandler(null, async () => {
      throw error;
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { code: error.code, message: error.message } });
  });
});
