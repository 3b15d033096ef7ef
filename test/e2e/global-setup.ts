/**
 * Starts the built app the way `npm start` does (embedded PostgreSQL in a throwaway data
 * directory, migrations, demo data), on a free port, and hands its URLs to the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '~/server/embedded-db';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    startOutput: string;
    dataDir: string;
  }
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject) {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-e2e-'));
  await fs.chmod(dataDir, 0o755);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: baseUrl,
    DATA_DIR: dataDir,
    NODE_ENV: 'development' as const,
  };
  delete env.DATABASE_URL;
  child = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    // The first start plays the demo's year (db/seed.ts): a few seconds alone, much longer on a shared, busy machine.
    const timer = setTimeout(() => reject(new Error(`app did not start in 180 s:\n${output}`)), 180_000);
    timer.unref();
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Another debtor:')) {
        // Wait for the whole welcome block.
        setTimeout(() => {
          clearTimeout(timer);
          resolve();
        }, 300);
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child!.on('exit', (code) => reject(new Error(`app exited with ${code}:\n${output}`)));
  });
  project.provide('baseUrl', baseUrl);
  project.provide('startOutput', output);
  project.provide('dataDir', dataDir);
  return async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
    }
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  };
}
