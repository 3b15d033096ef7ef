/**
 * Everything stored for one organization, as one fingerprint per table: "nothing of theirs
 * changed" is then one comparison, and a table added later is included without a change here.
 */
import { sql } from 'drizzle-orm';
import { getDb } from '~/utils/db.server';

/** Tables with an organization_id column, read from the catalog of the test's database. */
async function tenantTables(): Promise<string[]> {
  const rows = await getDb().execute<{ table_name: string }>(
    sql`select table_name from information_schema.columns
        where table_schema = 'public' and column_name = 'organization_id'
        order by table_name`,
  );
  return rows.map((r) => r.table_name);
}

/** Per tenant table: the number of the organization's rows and a hash over their full contents. */
export async function orgFootprint(organizationId: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of await tenantTables()) {
    const [row] = await getDb().execute<{ n: string; digest: string | null }>(
      sql`select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest
          from ${sql.identifier(table)} t where t.organization_id = ${organizationId}`,
    );
    result[table] = `${row.n}:${row.digest}`;
  }
  return result;
}
