/**
 * Starts one PostgreSQL for the whole run (the embedded one, or the server in DATABASE_URL),
 * migrates a template database once, and hands its name to the test files, which each
 * clone their own database from it (see test/db.ts).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '~db/migrate';
import { startEmbeddedPostgres, type EmbeddedDb } from '~/server/embedded-db';

declare module 'vitest' {
  export interface ProvidedContext {
    testDbServerUrl: string;
    testDbTemplate: string;
  }
}

let embedded: EmbeddedDb | undefined;
let tmpDir: string | undefined;

export async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-test-'));
    await fs.chmod(tmpDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tmpDir, 'pg'), database: 'postgres', fast: true });
    serverUrl = embedded.url;
  }
  const template = `voldaan_template_${process.pid}`;
  const admin = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.unsafe(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  await runMigrations(withDatabase(serverUrl, template));
  // graphile-worker's own schema, so graphile_worker.add_job works in every cloned test database.
  await (await import('graphile-worker')).runMigrations({ connectionString: withDatabase(serverUrl, template) });
  project.provide('testDbServerUrl', serverUrl);
  project.provide('testDbTemplate', template);
  return async () => {
    const cleanup = postgres(withDatabase(serverUrl, 'postgres'), { max: 1, onnotice: () => {} });
    await cleanup.unsafe(`drop database if exists "${template}" with (force)`).catch(() => {});
    await cleanup.end();
    await embedded?.stop();
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
