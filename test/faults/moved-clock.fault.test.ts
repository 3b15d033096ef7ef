/**
 * test/at-hours.sh moves the clock with libfaketime, preloaded into every process, and
 * libfaketime hands children the name of a semaphore in FAKETIME_SHARED. Programs the embedded
 * PostgreSQL runs as the user "postgres" cannot open root's semaphore; libfaketime 0.9.10 then
 * makes one named after the program's pid and exits with status 1 when a stale one of that pid is
 * in /dev/shm, so starts failed now and then in CI. The PostgreSQL programs must get no such name.
 * Here the name is one libfaketime cannot even parse, which makes every program given it exit 1.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '~/server/embedded-db';

const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu']
  .map((dir) => path.join(dir, 'faketime/libfaketime.so.1'))
  .find((file) => existsSync(file));

const saved = { LD_PRELOAD: process.env.LD_PRELOAD, FAKETIME_SHARED: process.env.FAKETIME_SHARED };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

it('starts the embedded PostgreSQL when the environment names a clock semaphore its programs cannot use', async () => {
  expect(LIBFAKETIME, 'libfaketime is needed (apt-get install faketime)').toBeDefined();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-fault-clock-'));
  await fs.chmod(dir, 0o755);
  // Only children see these: Node has already loaded its libraries.
  process.env.LD_PRELOAD = [LIBFAKETIME, process.env.LD_PRELOAD].filter(Boolean).join(':');
  process.env.FAKETIME_SHARED = 'unusable';
  try {
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), database: 'voldaan', fast: true });
    try {
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      const [row] = await sql<{ one: number }[]>`select 1 as one`;
      expect(row.one).toBe(1);
      await sql.end();
    } finally {
      await db.stop();
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
