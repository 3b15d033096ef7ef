import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from '../../db/schema';

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction or the database itself: services accept either so callers can compose them. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

let client: postgres.Sql | undefined;
let database: Database | undefined;

function connect() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: start through app/server/main.ts or set it');
  client = postgres(url, {
    max: Number(process.env.DB_POOL_MAX ?? 10),
    onnotice: () => {},
    connection: { application_name: 'voldaan' },
  });
  database = drizzle(client, { schema });
}

/** The shared connection pool, opened on first use from DATABASE_URL. */
export function getDb(): Database {
  if (!database) connect();
  return database!;
}

export function getSql(): postgres.Sql {
  if (!client) connect();
  return client!;
}

export async function closeDb() {
  const c = client;
  client = undefined;
  database = undefined;
  await c?.end({ timeout: 5 });
}

export { schema };
