import { sql } from 'drizzle-orm';
import type { Tx } from './db.server';

/**
 * Counts one hit against `key` in a fixed window and tells whether it is still allowed.
 * Atomic in one statement, so concurrent requests cannot both slip under the limit.
 */
export async function hit(db: Tx, key: string, limit: number, windowSeconds: number, at = new Date()) {
  const now = at.toISOString();
  const reset = new Date(at.getTime() + windowSeconds * 1000).toISOString();
  const rows = await db.execute<{ count: number; reset_at: Date }>(sql`
    insert into rate_limits (key, count, reset_at)
    values (${key}, 1, ${reset}::timestamptz)
    on conflict (key) do update set
      count = case when rate_limits.reset_at <= ${now}::timestamptz then 1 else rate_limits.count + 1 end,
      reset_at = case when rate_limits.reset_at <= ${now}::timestamptz then excluded.reset_at else rate_limits.reset_at end
    returning count, reset_at`);
  const row = rows[0];
  return { allowed: row.count <= limit, count: row.count, resetAt: new Date(row.reset_at) };
}

/** Looks without counting. */
export async function isLimited(db: Tx, key: string, limit: number, now = new Date()) {
  const rows = await db.execute<{ count: number }>(
    sql`select count from rate_limits where key = ${key} and reset_at > ${now.toISOString()}::timestamptz`,
  );
  return rows.length > 0 && rows[0].count >= limit;
}

export async function clearLimit(db: Tx, key: string) {
  await db.execute(sql`delete from rate_limits where key = ${key}`);
}

/** The HTTP server overwrites this header with the peer address (behind a trusted proxy: the forwarded one). */
export const CLIENT_IP_HEADER = 'x-voldaan-client-ip';

export function clientIp(request: Request): string {
  return request.headers.get(CLIENT_IP_HEADER) || 'unknown';
}
