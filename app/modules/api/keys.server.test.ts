import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys, auditEvents, organizations } from '~db/schema';
import { createOrganization, createStaff } from '~test/factories';
import { apiRequest } from '~test/factories-intake';
import { settle } from '~test/http';
import { fixedClock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { sha256 } from '~/utils/token.server';
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from './keys.server';

async function rejects401(request: Request) {
  const thrown = (await settle(() => authenticateApiKey(request))) as Response;
  expect(thrown).toBeInstanceOf(Response);
  expect(thrown.status).toBe(401);
  expect(await thrown.json()).toMatchObject({ error: { code: 'unauthorized' } });
}

describe('API keys', () => {
  it('creates a key shown once, stored only as its sha256 with a display prefix', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const { key, apiKey } = await createApiKey({ organizationId: org.id, name: 'Exact Online', createdBy: admin.id });
    expect(key).toMatch(/^vk_live_[A-Za-z0-9_-]{43}$/);
    expect(apiKey.prefix).toBe(key.slice(0, 12));

    const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row.keyHash).toBe(sha256(key));
    expect(Object.values(row).some((value) => typeof value === 'string' && value.includes(key.slice(12)))).toBe(false);

    const [event] = await getDb()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'api_key.created')));
    expect(event).toMatchObject({ actorType: 'staff', actorId: admin.id, entityId: apiKey.id });
    expect(JSON.stringify(event.data)).not.toContain(key.slice(12));
  });

  it('authenticates a bearer key, touching last_used_at at most once a minute', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const { key, apiKey } = await createApiKey({ organizationId: org.id, name: 'ERP', createdBy: admin.id });
    const clock = fixedClock('2026-03-01T10:00:00Z');
    const request = () => apiRequest('/api/v1/payments', { key });
    const lastUsed = async () =>
      (await getDb().select().from(apiKeys).where(eq(apiKeys.id, apiKey.id)))[0].lastUsedAt?.toISOString();

    expect(await authenticateApiKey(request(), { clock })).toEqual({ organizationId: org.id, apiKeyId: apiKey.id });
    expect(await lastUsed()).toBe('2026-03-01T10:00:00.000Z');
    clock.set('2026-03-01T10:00:59Z');
    await authenticateApiKey(request(), { clock });
    expect(await lastUsed()).toBe('2026-03-01T10:00:00.000Z');
    clock.set('2026-03-01T10:01:00Z');
    await authenticateApiKey(request(), { clock });
    expect(await lastUsed()).toBe('2026-03-01T10:01:00.000Z');
  });

  it('refuses a missing, malformed, unknown or revoked key, and keys of a deactivated organization', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const { key, apiKey } = await createApiKey({ organizationId: org.id, name: 'ERP', createdBy: admin.id });

    await rejects401(apiRequest('/api/v1/payments'));
    await rejects401(apiRequest('/api/v1/payments', { headers: { Authorization: `Basic ${key}` } }));
    await rejects401(apiRequest('/api/v1/payments', { key: `${key.slice(0, -1)}x` }));
    await rejects401(apiRequest('/api/v1/payments', { key: 'vk_live_short' }));

    expect(await revokeApiKey({ organizationId: org.id, apiKeyId: apiKey.id, staffId: admin.id })).toBe(true);
    await rejects401(apiRequest('/api/v1/payments', { key }));
    expect(await revokeApiKey({ organizationId: org.id, apiKeyId: apiKey.id, staffId: admin.id })).toBe(false);

    const other = await createOrganization();
    const otherAdmin = await createStaff(other, 'admin');
    const { key: otherKey } = await createApiKey({ organizationId: other.id, name: 'x', createdBy: otherAdmin.id });
    await getDb().update(organizations).set({ active: false }).where(eq(organizations.id, other.id));
    await rejects401(apiRequest('/api/v1/payments', { key: otherKey }));
  });

  it("cannot revoke another organization's key", async () => {
    const orgA = await createOrganization();
    const orgB = await createOrganization();
    const adminA = await createStaff(orgA, 'admin');
    const adminB = await createStaff(orgB, 'admin');
    const { apiKey } = await createApiKey({ organizationId: orgA.id, name: 'A', createdBy: adminA.id });
    expect(await revokeApiKey({ organizationId: orgB.id, apiKeyId: apiKey.id, staffId: adminB.id })).toBe(false);
    expect((await listApiKeys(orgA.id))[0].revokedAt).toBeNull();
  });
});
