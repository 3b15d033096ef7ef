import net, { type AddressInfo } from 'node:net';
import type { HandleErrorFunction, ServerBuild } from '@remix-run/node';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { remixHandler, unavailableWhileDbDown } from './remix-handler';

const coded = (code: string) => Object.assign(new Error(code), { code });

type Loader = (args: { request: Request }) => Promise<Response>;

/** A server build with resource routes only: enough of Remix to answer, fail and report errors. */
function buildWith(loader: Loader, action?: Loader): ServerBuild {
  const handleError: HandleErrorFunction = (error, { context }) => {
    context.errors?.push(error);
  };
  const build = {
    mode: 'production',
    basename: '/',
    publicPath: '/build/',
    assetsBuildDirectory: 'public/build',
    isSpaMode: false,
    future: { v3_singleFetch: true },
    assets: { entry: { imports: [], module: '' }, routes: {}, url: '', version: 'test' },
    entry: { module: { default: () => new Response(''), handleError } },
    routes: {
      root: { id: 'root', path: '', module: {} },
      'routes/page': { id: 'routes/page', parentId: 'root', path: 'page', module: { loader, action } },
      'routes/api': { id: 'routes/api', parentId: 'root', path: 'api/v1/thing', module: { loader, action } },
    },
  };
  return build as unknown as ServerBuild;
}

type Health = { down: boolean; checks: number; reports: unknown[] };

const servers: { close: () => void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(loader: Loader, health: Health, action?: Loader) {
  const app = express();
  app.use(unavailableWhileDbDown({ isDown: () => health.down }));
  app.all(
    '*',
    remixHandler(buildWith(loader, action), 'production', {
      report: (error) => health.reports.push(error),
      check: async () => {
        health.checks++;
        return !health.down;
      },
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const healthy = (): Health => ({ down: false, checks: 0, reports: [] });

describe('Remix behind our Express handler', () => {
  it('answers as Remix does when all is well', async () => {
    const base = await serve(async () => Response.json({ ok: true }), healthy());
    const res = await fetch(`${base}/page`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('turns a failure to reach the database into a 503 page, and tells the tracker', async () => {
    const health = healthy();
    const lost = coded('CONNECTION_CLOSED');
    const base = await serve(async () => {
      throw new Error('Failed query: select 1', { cause: lost });
    }, health);
    const res = await fetch(`${base}/page`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('We werken eraan');
    expect(health.reports).toHaveLength(1);
  });

  it('answers the API in JSON', async () => {
    const base = await serve(async () => {
      throw coded('ECONNREFUSED');
    }, healthy());
    const res = await fetch(`${base}/api/v1/thing`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'service_unavailable' } });
  });

  it('keeps a 500 that has nothing to do with the database', async () => {
    const health = healthy();
    const base = await serve(async () => {
      throw new Error('a bug');
    }, health);
    const res = await fetch(`${base}/page`);
    expect(res.status).toBe(500);
    expect(health.checks).toBe(1);
  });

  it('asks the tracker about a 500 a route answered itself (the API catches its errors)', async () => {
    const health = { ...healthy(), down: false };
    const base = await serve(async () => {
      health.down = true;
      return Response.json({ error: { code: 'internal_error' } }, { status: 500 });
    }, health);
    // The route's 500 came while the database went away: the tracker's probe says so.
    const res = await fetch(`${base}/api/v1/thing`);
    expect(res.status).toBe(503);
  });

  it('leaves a 503 a route answers on purpose as it is', async () => {
    const health = { ...healthy(), down: false };
    const base = await serve(async () => {
      health.down = true;
      return Response.json({ status: 'unavailable' }, { status: 503 });
    }, health);
    const res = await fetch(`${base}/page`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
    expect(health.checks).toBe(0);
  });

  it('answers 503 at once while the database is known to be down, except /healthz', async () => {
    let called = 0;
    const health = { ...healthy(), down: true };
    const base = await serve(async () => {
      called++;
      return Response.json({ ok: true });
    }, health);
    const page = await fetch(`${base}/page`);
    expect(page.status).toBe(503);
    expect(called).toBe(0);
    const english = await fetch(`${base}/page`, {
      headers: { Cookie: `vd_lang=${encodeURIComponent(Buffer.from('"en"').toString('base64'))}` },
    });
    expect(await english.text()).toContain('We are working on it');
    // /healthz goes through to its route (none in this build: 404), which checks for itself.
    expect((await fetch(`${base}/healthz`)).status).not.toBe(503);
  });
});

describe('a body that is not a readable form', () => {
  const readForm: Loader = async ({ request }) => Response.json({ fields: [...(await request.formData()).keys()] });
  const post = (base: string, path: string, contentType: string, body: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

  it('answers 400 for malformed multipart, in plain words, without asking the tracker', async () => {
    const health = healthy();
    const base = await serve(async () => Response.json({}), health, readForm);
    for (const [type, body] of [
      ['multipart/form-data; boundary=abc', 'email=a'],
      ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="email"\r\n\r\nhalf'],
      ['multipart/form-data', '--abc\r\n'],
    ]) {
      const res = await post(base, '/page', type, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toContain('This form could not be read');
    }
    expect(health.checks).toBe(0);
    // A well-formed form still reaches the action.
    expect(await (await post(base, '/page', 'application/x-www-form-urlencoded', 'a=1&b=2')).json()).toEqual({
      fields: ['a', 'b'],
    });
  });

  it('answers 415 for a body of another type, in JSON under /api', async () => {
    const base = await serve(async () => Response.json({}), healthy(), readForm);
    const page = await post(base, '/page', 'application/json', '{"a":1}');
    expect(page.status).toBe(415);
    const api = await post(base, '/api/v1/thing', 'text/plain', 'a=1');
    expect(api.status).toBe(415);
    expect(await api.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('looks through the cause and keeps every other error a 500', async () => {
    const wrapped = await serve(
      async () => Response.json({}),
      healthy(),
      async () => {
        throw new Error('reading the form failed', { cause: new TypeError('Failed to parse body as FormData.') });
      },
    );
    expect((await post(wrapped, '/page', 'text/plain', 'x')).status).toBe(400);
    const other = await serve(
      async () => Response.json({}),
      healthy(),
      async () => {
        throw new TypeError('Failed to parse URL from x');
      },
    );
    expect((await post(other, '/page', 'text/plain', 'x')).status).toBe(500);
  });
});

describe('the URL Remix sees', () => {
  /** Sends a request line and headers as they are; returns the status code. */
  const raw = (base: string, head: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      socket.write(`${head}\r\nConnection: close\r\n\r\n`);
    });

  it('refuses with 400 a Host that cannot be part of a URL, before any route runs', async () => {
    let called = 0;
    const base = await serve(async () => {
      called++;
      return Response.json({ ok: true });
    }, healthy());
    for (const host of ['a b', '[::1', 'localhost:99999', 'a/b', '@evil', '%', 'x?y', '']) {
      expect(await raw(base, `GET /page HTTP/1.1\r\nHost: ${host}`), host).toBe(400);
    }
    expect(await raw(base, 'GET http://other.example/page HTTP/1.1\r\nHost: localhost')).toBe(400);
    expect(called).toBe(0);
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'pay.example.com']) {
      expect(await raw(base, `GET /page HTTP/1.1\r\nHost: ${host}`), host).toBe(200);
    }
  });

  it('drops the retired ?_data= parameter, so the route sees the request it names', async () => {
    const base = await serve(async ({ request }) => Response.json({ url: request.url }), healthy());
    const res = await fetch(`${base}/page?x=1&_data=routes%2Fpage`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { url: string }).url).toMatch(/\/page\?x=1$/);
  });
});
