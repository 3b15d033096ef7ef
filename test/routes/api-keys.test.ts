/** The back office's API key page (the keys themselves: app/modules/api/keys.server.test.ts). */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '~db/schema';
import { createOrganization, createStaff } from '~test/factories';
import { apiRequest, signIn } from '~test/factories-intake';
import { formRequest, getRequest, routeArgs, settle } from '~test/http';
import { action, loader } from '~/routes/app.settings.api-keys';
import { getDb } from '~/utils/db.server';
import { authenticateApiKey, listApiKeys } from '~/modules/api/keys.server';

type ActionData = {
  data: { nameError: string | null; created: { name: string; key: string } | null; revokeError: string | null };
  init: ResponseInit | null;
};

async function rejects401(request: Request) {
  const thrown = (await settle(() => authenticateApiKey(request))) as Response;
  expect(thrown).toBeInstanceOf(Response);
  expect(thrown.status).toBe(401);
  expect(await thrown.json()).toMatchObject({ error: { code: 'unauthorized' } });
}

describe('/app/settings/api-keys', () => {
  it('is for admins only: support and finance get 403', async () => {
    const org = await createOrganization();
    for (const role of ['support', 'finance'] as const) {
      const cookie = await signIn(await createStaff(org, role));
      const page = (await settle(() =>
        loader(routeArgs(getRequest('/app/settings/api-keys', { cookie }))),
      )) as Response;
      expect(page.status).toBe(403);
      const post = (await settle(() =>
        action(routeArgs(formRequest('/app/settings/api-keys', { intent: 'create', name: 'x' }, { cookie }))),
      )) as Response;
      expect(post.status).toBe(403);
    }
    expect(await listApiKeys(org.id)).toEqual([]);
  });

  it('creates a key (shown once), confirms before revoking, and revokes', async () => {
    const org = await createOrganization();
    const cookie = await signIn(await createStaff(org, 'admin'));

    const invalid = (await action(
      routeArgs(formRequest('/app/settings/api-keys', { intent: 'create', name: '   ' }, { cookie })),
    )) as ActionData;
    expect(invalid.init?.status).toBe(400);
    expect(invalid.data.nameError).toBe('bo.apiKeys.nameRequired');

    const created = (await action(
      routeArgs(formRequest('/app/settings/api-keys', { intent: 'create', name: 'Boekhouding' }, { cookie })),
    )) as ActionData;
    const key = created.data.created!.key;
    expect(key).toMatch(/^vk_live_/);
    expect(new Headers(created.init?.headers).get('Cache-Control')).toBe('no-store');
    expect(await authenticateApiKey(apiRequest('/api/v1/payments', { key }))).toMatchObject({ organizationId: org.id });

    // The list never carries the key itself, only its prefix.
    const list = await loader(routeArgs(getRequest('/app/settings/api-keys', { cookie })));
    expect(list.keys).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(key.slice(12));
    expect(list.keys[0]).toMatchObject({ name: 'Boekhouding', prefix: key.slice(0, 12), revokedAt: null });

    const id = list.keys[0].id;
    const confirming = await loader(routeArgs(getRequest(`/app/settings/api-keys?revoke=${id}`, { cookie })));
    expect(confirming.confirming).toEqual({ id, name: 'Boekhouding' });
    // Looking at the confirmation changes nothing.
    expect((await listApiKeys(org.id))[0].revokedAt).toBeNull();

    const revoked = (await action(
      routeArgs(formRequest('/app/settings/api-keys', { intent: 'revoke', id }, { cookie })),
    )) as Response;
    expect(revoked.status).toBe(302);
    expect(revoked.headers.get('Location')).toBe(`/app/settings/api-keys?revoked=${id}`);
    const after = await loader(routeArgs(getRequest(`/app/settings/api-keys?revoked=${id}`, { cookie })));
    expect(after.revokedName).toBe('Boekhouding');
    expect(after.keys[0].revokedAt).not.toBeNull();
    await rejects401(apiRequest('/api/v1/payments', { key }));

    const again = (await action(
      routeArgs(formRequest('/app/settings/api-keys', { intent: 'revoke', id }, { cookie })),
    )) as ActionData;
    expect(again.init?.status).toBe(404);
    const events = await getDb().select().from(auditEvents).where(eq(auditEvents.organizationId, org.id));
    expect(events.map((e) => e.action).filter((a) => a.startsWith('api_key.'))).toEqual([
      'api_key.created',
      'api_key.revoked',
    ]);
  });
});
