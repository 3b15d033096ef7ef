/**
 * The app as an attacker meets it: the built Remix app behind createApp (app/server/http.ts),
 * listening on a real port of 127.0.0.1, on this test file's own database. `startApp('production')`
 * runs it in production mode (the settings production insists on are given), `startApp('development')`
 * in development mode, where Express and Remix would show stack traces. APP_URL is the server's
 * own address, so a browser-like same-origin request sends `Origin: <app.origin>`. Each start loads
 * its own instance of the build, so the app's settings are those of its mode.
 *
 * Requests go out with node:http (not fetch), so a test controls every header and byte: a raw
 * CR/LF in a form value, a wrong Content-Type, a missing Origin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { generateSigningJwk } from '~/modules/links/keys.server';
import { createApp, startDbHealth } from '~/server/http';
import { getEnv, resetEnv } from '~/utils/env.server';

export type Mode = 'development' | 'production';
export const MODES: readonly Mode[] = ['development', 'production'];

export type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

export type RequestOptions = {
  method?: string;
  headers?: Record<string, string | undefined>;
  body?: string | Buffer;
};

export type RunningApp = {
  mode: Mode;
  /** http://127.0.0.1:<port>, also the app's APP_URL. */
  origin: string;
  port: number;
  request: (path: string, options?: RequestOptions) => Promise<Answer>;
  /** A form post as a browser on the app's own pages sends it (Origin and Sec-Fetch-Site same-origin). */
  postForm: (
    path: string,
    fields: Record<string, string>,
    headers?: Record<string, string | undefined>,
  ) => Promise<Answer>;
  stop: () => Promise<void>;
};

const saved = new Map<string, string | undefined>();
function setEnv(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  resetEnv();
}
function restoreEnv() {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  saved.clear();
  resetEnv();
}

let builds = 0;
/**
 * A fresh instance of the build for every start: the build bundles its own copies of the modules
 * that read the environment once per process (getEnv, the session cookies, the link key ring), so
 * one instance loaded for a development start would keep development secrets in "production".
 */
async function freshBuild(): Promise<ServerBuild> {
  builds += 1;
  const url = `${pathToFileURL(path.join(process.cwd(), '.build/index.js')).href}?instance=${builds}`;
  return (await import(/* @vite-ignore */ url)) as ServerBuild;
}

/** Sends one request; header values may hold anything node:http lets through, bodies any bytes. */
export function rawRequest(port: number, path: string, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(
      Object.entries(options.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    if (options.body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(options.body));
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function startApp(mode: Mode, extraEnv: Record<string, string> = {}): Promise<RunningApp> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  setEnv({
    NODE_ENV: mode,
    APP_URL: origin,
    RUN_WORKER: 'false',
    ...(mode === 'production'
      ? {
          SESSION_SECRET: 'security-suite-session-secret-0123456789abcdef',
          APP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
          PORTAL_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('security')] }),
          DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://set-by-the-test-database',
        }
      : {}),
    ...extraEnv,
  });
  const env = getEnv();
  const health = startDbHealth(env);
  server.on('request', createApp(await freshBuild(), env, process.cwd(), health));
  const request = (path: string, options?: RequestOptions) => rawRequest(port, path, options);
  return {
    mode,
    origin,
    port,
    request,
    postForm: (path, fields, headers = {}) =>
      request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin,
          'sec-fetch-site': 'same-origin',
          ...headers,
        },
        body: new URLSearchParams(fields).toString(),
      }),
    stop: async () => {
      health.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      restoreEnv();
    },
  };
}

/**
 * The app under test runs on the system clock (it is the running product, not a service given a
 * clock), so a token or signature it must accept as fresh, or refuse as stale, is made at its now.
 * The one place the suite reads the wall clock; test/at-hours.sh moves it for both sides alike.
 */
export function appNow(): Date {
  return new Date();
}

/** Unix seconds of appNow(), as webhook signatures and JWTs carry time. */
export function appNowSeconds(): number {
  return Math.floor(appNow().getTime() / 1000);
}

/** A moment that is simply in the past for flags that only need a value (deletedAt, revokedAt, sentAt). */
export const SOME_PAST_MOMENT = new Date('2026-01-01T00:00:00Z');

/** A stack trace, or the file paths one prints, anywhere in an answer. */
export function showsStack(text: string): boolean {
  return /\n\s+at .+\(|node_modules\/|\/app\/(routes|modules|server)\/|\.build\/index\.js/.test(text);
}
