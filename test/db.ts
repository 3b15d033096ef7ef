import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Clones the template into a fresh database and points DATABASE_URL at it. */
export async function createTestDatabase(serverUrl: string, template: string) {
  const name = `voldaan_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        // Two clones of one template at the same instant can collide; a short wait settles it.
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  process.env.DATABASE_URL = withDatabase(serverUrl, name);
  return name;
}

export async function dropTestDatabase(serverUrl: string, name: string) {
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
