/**
 * Input bounds at the HTTP level, on the built app served by createApp (app/server/http.ts)
 * on a real port, against its own embedded PostgreSQL: oversized bodies (chunked or declared)
 * answer 413 on the API, a form route and a webhook; malformed %-escapes answer 400 without a
 * stack, in development mode; and the pages of a debtor whose stored amounts are far out of
 * range still render, with a marker where the amount would be.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk } from '~/modules/links/keys.server';
import { DRAIN_LIMIT_BYTES, FORM_BODY_LIMIT_BYTES, WEBHOOK_BODY_LIMIT_BYTES } from '~/server/body-limit';
import { startEmbeddedPostgres, type EmbeddedDb } from '~/server/embedded-db';
import { createApp, finalErrorHandler, loadBuild, startDbHealth } from '~/server/http';
import { JSON_BODY_LIMIT_BYTES } from '~/modules/invoices/limits';
import { closeDb, getDb } from '~/utils/db.server';
import { getEnv, resetEnv } from '~/utils/env.server';
import { runMigrations } from '~db/migrate';
import { createDebtor, createInvoice, createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';
import { createApiKeyFor } from '~test/factories-intake';
import { openPortal } from '~test/portal-session';

/** APP_URL here: a form post as the app's own pages send it passes the request-forgery gate. */
const APP_ORIGIN = 'http://voldaan.test';
let dir: string;
let db: EmbeddedDb;
let server: http.Server;
let port: number;
let stopHealth: () => void;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'voldaan-bounds-'));
  await fs.chmod(dir, 0o755);
  db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), database: 'voldaan', fast: true });
  await runMigrations(db.url);
  await (await import('graphile-worker')).runMigrations({ connectionString: db.url });
  Object.assign(process.env, {
    // Development: the mode in which Express and Remix would show stack traces.
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    DATA_DIR: dir,
    APP_URL: APP_ORIGIN,
    RUN_WORKER: 'false',
    PORTAL_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk('bounds')] }),
  });
  resetEnv();
  const env = getEnv();
  const health = startDbHealth(env);
  stopHealth = health.stop;
  server = createApp(await loadBuild(), env, process.cwd(), health).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  stopHealth?.();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await closeDb();
  await db?.stop();
  await fs.rm(dir, { recursive: true, force: true });
  process.env = savedEnv;
  resetEnv();
});

/** `sent`: the body bytes the client got out before the request finished. */
type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string; sent: number };

/**
 * A request with node:http, so the test controls how the body goes out: `chunked` sends
 * `size` bytes in 16 KiB chunks without Content-Length; otherwise Content-Length declares it.
 */
function send(
  method: string,
  urlPath: string,
  init: { headers?: Record<string, string>; body?: string | Buffer; size?: number; chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body ?? (init.size ? Buffer.alloc(init.size, 'a') : undefined);
    const headers: Record<string, string> = { ...init.headers };
    if (body !== undefined && !init.chunked) headers['Content-Length'] = String(Buffer.byteLength(body));
    if (init.chunked) headers['Transfer-Encoding'] = 'chunked';
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers });
    let sent = 0;
    // Settles once the answer is in and the body is out: a server that stops reading would stall it.
    const written = new Promise<void>((done, fail) => {
      req.on('finish', () => {
        sent = body === undefined ? 0 : Buffer.byteLength(body);
        done();
      });
      req.on('error', fail);
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        written.then(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, sent }), reject);
      });
    });
    req.on('error', reject);
    if (body === undefined) {
      req.end();
      return;
    }
    const bytes = Buffer.from(body);
    const CHUNK = 16 * 1024;
    // All handed to the client at once; 'finish' only comes once the server has taken it all in.
    for (let offset = 0; offset < bytes.length; offset += CHUNK) req.write(bytes.subarray(offset, offset + CHUNK));
    req.end();
  });
}

const TWO_MB = 2 * 1024 * 1024;
const hasStack = (text: string) => /\bat [\w.<>]+ \(|node_modules|\.build\/|Error:/.test(text);

describe('oversized bodies', () => {
  it('answers 413 in JSON on the API for a 2 MB chunked body, and stores nothing', async () => {
    const org = await createOrganization();
    const { key } = await createApiKeyFor(org);
    const answer = await send('PUT', '/api/v1/invoices/BIG-1', {
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      size: TWO_MB,
      chunked: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'payload_too_large', message: expect.stringContaining(String(JSON_BODY_LIMIT_BYTES)) },
    });
    // The client got to send the whole body (read and dropped), so it saw the answer, not a reset.
    expect(answer.sent).toBe(TWO_MB);
    const [row] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from invoices where organization_id = ${org.id}`,
    );
    expect(row.n).toBe(0);
  });

  it('answers 413 on the API at once for a declared Content-Length over the limit', async () => {
    const answer = await send('PUT', '/api/v1/invoices/BIG-2', {
      headers: { 'Content-Type': 'application/json' },
      size: TWO_MB,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers 413 with a short plain page on a form route (chunked and declared)', async () => {
    for (const chunked of [true, false]) {
      const answer = await send('POST', '/login', {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN },
        size: TWO_MB,
        chunked,
      });
      expect(answer.status).toBe(413);
      expect(answer.headers['content-type']).toMatch(/text\/plain/);
      expect(answer.body).toContain(`${FORM_BODY_LIMIT_BYTES / 1024} KiB`);
      expect(answer.body).toMatch(/te groot/);
      expect(hasStack(answer.body)).toBe(false);
    }
  });

  it('reads off a refused body larger than the socket buffers, so the client sees the 413 and no reset', async () => {
    const size = 12 * 1024 * 1024;
    const answer = await send('POST', '/login', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN },
      size,
      chunked: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.sent).toBe(size);
  });

  it('answers 413 on a webhook route for a 2 MB chunked body', async () => {
    const answer = await send('POST', '/webhooks/stripe', {
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
      size: TWO_MB,
      chunked: true,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'payload_too_large', message: expect.stringContaining(String(WEBHOOK_BODY_LIMIT_BYTES)) },
    });
  });

  it('reads off the rest of a body the route did not want (401 before reading), so the client gets its answer', async () => {
    // More than the kernel's socket buffers hold, so the client only gets it all out if the server reads.
    const size = 12 * 1024 * 1024;
    const answer = await send('PUT', '/api/v1/invoices/NOKEY-1', {
      headers: { 'Content-Type': 'application/json' },
      size,
      chunked: true,
    });
    expect(answer.status).toBe(401);
    expect(answer.sent).toBe(size);
  });

  it('still serves small bodies on the same routes', async () => {
    const answer = await send('POST', '/login', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: APP_ORIGIN },
      body: 'email=nobody%40example.test&password=wrong',
      chunked: true,
    });
    expect(answer.status).toBeLessThan(500);
    expect(answer.status).not.toBe(413);
  });

  it('closes the connection instead of draining a declared body far beyond the limit', async () => {
    // Declares more than it sends: the server answers at once and does not wait to drain it.
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/login',
        headers: { 'Content-Length': String(FORM_BODY_LIMIT_BYTES + DRAIN_LIMIT_BYTES + 1), Origin: APP_ORIGIN },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, sent: 0 }));
      });
      req.on('error', reject);
      req.write('a'.repeat(1024));
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
  });
});

describe('malformed URLs', () => {
  it.each([
    ['/api/v1/invoices/%E0%A4%A', 'json'],
    ['/api/v1/debtors/%ZZ', 'json'],
    ['/portal/invoices/%E0%A4%A', 'text'],
    ['/app/debtors/%', 'text'],
    ['/%C0%AF.js', 'text'],
  ])('%s answers 400 (%s) without a stack trace, in development mode', async (urlPath, kind) => {
    for (const method of ['GET', 'PUT']) {
      const answer = await send(method, urlPath, method === 'PUT' ? { body: '{}' } : {});
      expect(answer.status).toBe(400);
      expect(hasStack(answer.body)).toBe(false);
      if (kind === 'json') expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'malformed_url' } });
      else expect(answer.headers['content-type']).toMatch(/text\/plain/);
    }
  });
});

describe('the final error handler', () => {
  it('answers a plain 500 (JSON on /api) without the error or a stack, and logs it', async () => {
    const app = express();
    app.get('*', () => {
      throw new Error('secret detail at /srv/voldaan/app.ts:12');
    });
    app.use(finalErrorHandler);
    const other = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    const base = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const page = await fetch(`${base}/app/x`);
      expect(page.status).toBe(500);
      expect(page.headers.get('content-type')).toMatch(/text\/plain/);
      const text = await page.text();
      expect(text).not.toContain('secret');
      expect(hasStack(text)).toBe(false);
      const api = await fetch(`${base}/api/v1/x`);
      expect(api.status).toBe(500);
      expect(await api.json()).toEqual({
        error: { code: 'internal_error', message: 'Something went wrong on our side.' },
      });
      expect(logged).toHaveLength(2);
    } finally {
      console.error = original;
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});

describe('pages with stored amounts far out of range', () => {
  it('render (200) with a marker in the back office and in the portal', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const debtor = await createDebtor(org, { kind: 'business', locale: 'nl' });
    const huge = await createInvoice(org, debtor, { dueDate: '2026-01-15' });
    const unsafe = await createInvoice(org, debtor, { dueDate: '2026-02-15' });
    const normal = await createInvoice(org, debtor, { totalCents: 12_100 });
    // Written directly, as data that got past every door somehow would be.
    await getDb().execute(
      sql`update invoices set total_cents = 9007199254740991, open_cents = 9007199254740991 where id = ${huge.id}`,
    );
    await getDb().execute(
      sql`update invoices set total_cents = 1152921504606846976, open_cents = 1152921504606846976 where id = ${unsafe.id}`,
    );

    const staff = await staffCookie(admin);
    const backOffice = [
      '/app',
      '/app/debtors',
      `/app/debtors/${debtor.id}`,
      '/app/invoices',
      `/app/invoices/${huge.id}`,
      `/app/invoices/${unsafe.id}`,
    ];
    for (const page of backOffice) {
      const answer = await send('GET', page, { headers: { Cookie: staff } });
      expect(answer.status, page).toBe(200);
      expect(answer.body, page).toContain('bedrag buiten bereik');
    }

    const { cookie } = await openPortal(debtor);
    const portal = [
      '/portal',
      '/portal/pay',
      `/portal/invoices/${huge.id}`,
      `/portal/invoices/${unsafe.id}`,
      '/portal/history',
    ];
    for (const page of portal) {
      const answer = await send('GET', page, { headers: { Cookie: cookie } });
      expect(answer.status, page).toBe(200);
      if (page !== '/portal/history') expect(answer.body, page).toContain('bedrag buiten bereik');
    }
    // An invoice in range on the same debtor's pages still shows its amount.
    const normalBackOffice = await send('GET', `/app/invoices/${normal.id}`, { headers: { Cookie: staff } });
    expect(normalBackOffice.status).toBe(200);
    expect(normalBackOffice.body).toContain('121,00');
    const normalPage = await send('GET', `/portal/invoices/${normal.id}`, { headers: { Cookie: cookie } });
    expect(normalPage.status).toBe(200);
    expect(normalPage.body).toContain('121,00');
  });
});
