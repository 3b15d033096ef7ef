import type { AddressInfo } from 'node:net';
import type { HandleErrorFunction, ServerBuild } from '@remix-run/node';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { remixHandler, unavailableWhileDbDown } from './remix-handler';

const coded = (code: string) => Object.assign(new Error(code), { code });

/** A server build with resource routes only: enough of Remix to answer, fail and report errors. */
function buildWith(loader: () => Promise<Response>): ServerBuild {
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
      'routes/page': { id: 'routes/page', parentId: 'root', path: 'page', module: { loader } },
      'routes/api': { id: 'routes/api', parentId: 'root', path: 'api/v1/thing', module: { loader } },
    },
  };
  return build as unknown as ServerBuild;
}

type Health = { down: boolean; checks: number; reports: unknown[] };

const servers: { close: () => void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function serve(loader: () => Promise<Response>, health: Health) {
  const app = express();
  app.use(unavailableWhileDbDown({ isDown: () => health.down }));
  app.all(
    '*',
    remixHandler(buildWith(loader), 'production', {
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
