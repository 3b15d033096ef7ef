import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lte, or } from 'drizzle-orm';
import { apiKeys, organizations } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb, type Tx } from '~/utils/db.server';
import { sha256 } from '~/utils/token.server';
import { audit } from '~/modules/audit/index.server';
import { orgScope } from '~/utils/org-scope.server';

/** `vk_live_` followed by 32 random bytes in base64url (43 characters). */
export const API_KEY_PREFIX = 'vk_live_';
const API_KEY_PATTERN = /^vk_live_[A-Za-z0-9_-]{43}$/;
/** How many leading characters staff see to tell keys apart (the tag plus 4 random characters). */
const DISPLAY_PREFIX_LENGTH = 12;
/** `last_used_at` is written at most this often per key, so busy integrations don't write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export type ApiKeySummary = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export type ApiPrincipal = { organizationId: string; apiKeyId: string };

export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Creates a key; the plain key is returned once and never stored (only its sha256). */
export async function createApiKey(
  input: { organizationId: string; name: string; createdBy: string },
  { db = getDb() as Tx, clock = systemClock }: { db?: Tx; clock?: Clock } = {},
): Promise<{ key: string; apiKey: ApiKeySummary }> {
  const key = generateApiKey();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        organizationId: input.organizationId,
        name: input.name,
        prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
        keyHash: sha256(key),
        createdBy: input.createdBy,
        createdAt: clock.now(),
      })
      .returning();
    await audit(tx, {
      organizationId: input.organizationId,
      actor: { type: 'staff', id: input.createdBy },
      action: 'api_key.created',
      entityType: 'api_key',
      entityId: row.id,
      data: { name: row.name, prefix: row.prefix },
    });
    return { key, apiKey: summary(row) };
  });
}

export async function listApiKeys(organizationId: string, db: Tx = getDb()): Promise<ApiKeySummary[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(orgScope(apiKeys, organizationId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(summary);
}

export async function getApiKey(organizationId: string, apiKeyId: string, db: Tx = getDb()) {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(orgScope(apiKeys, organizationId), eq(apiKeys.id, apiKeyId)))
    .limit(1);
  return row ? summary(row) : null;
}

/** Revokes a key of this organization; false when there is no such (unrevoked) key. */
export async function revokeApiKey(
  input: { organizationId: string; apiKeyId: string; staffId: string },
  { db = getDb() as Tx, clock = systemClock }: { db?: Tx; clock?: Clock } = {},
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: clock.now() })
      .where(and(orgScope(apiKeys, input), eq(apiKeys.id, input.apiKeyId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) return false;
    await audit(tx, {
      organizationId: input.organizationId,
      actor: { type: 'staff', id: input.staffId },
      action: 'api_key.revoked',
      entityType: 'api_key',
      entityId: row.id,
      data: { name: row.name, prefix: row.prefix },
    });
    return true;
  });
}

export function unauthorizedResponse(message: string): Response {
  return Response.json(
    { error: { code: 'unauthorized', message } },
    {
      status: 401,
      headers: {
        'WWW-Authenticate': 'Bearer realm="voldaan", error="invalid_token"',
        'Cache-Control': 'no-store',
      },
    },
  );
}

/**
 * Reads `Authorization: Bearer <key>` and returns whose key it is, or throws a 401 JSON
 * response. Missing, malformed, unknown and revoked keys all get the same answer.
 */
export async function authenticateApiKey(
  request: Request,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<ApiPrincipal> {
  const header = request.headers.get('Authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorizedResponse('Send an API key as "Authorization: Bearer <key>".');
  const key = match[1];
  if (!API_KEY_PATTERN.test(key)) throw unauthorizedResponse('The API key is not valid or has been revoked.');

  const db = getDb();
  const [row] = await db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(apiKeys.keyHash, sha256(key)), isNull(apiKeys.revokedAt), eq(organizations.active, true)))
    .limit(1);
  if (!row) throw unauthorizedResponse('The API key is not valid or has been revoked.');

  const now = clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    const staleBefore = new Date(now.getTime() - TOUCH_INTERVAL_MS);
    // The condition repeats the check in SQL so concurrent requests write at most once.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lte(apiKeys.lastUsedAt, staleBefore))));
  }
  return { organizationId: row.organizationId, apiKeyId: row.id };
}

function summary(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
