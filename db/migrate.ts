import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Applies the committed drizzle-kit migrations; an advisory lock keeps two starting processes from racing. */
export async function runMigrations(url: string, folder = migrationsFolder) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(7253001)`;
    await migrate(drizzle(sql), { migrationsFolder: folder });
    await sql`select pg_advisory_unlock(7253001)`;
  } finally {
    await sql.end();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'DATABASE_URL is missing: expected a postgres:// URL (npm start runs migrations on the embedded database by itself)',
    );
    process.exit(1);
  }
  runMigrations(url).then(
    () => console.log('migrations applied'),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
