import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, gatePolicy, isExemptPath, requestGate, type GateRequest } from './request-gate';

const APP = 'https://voldaan.example';
const production = gatePolicy({ APP_URL: APP, NODE_ENV: 'production' });
const post = (overrides: Partial<GateRequest> = {}): GateRequest => ({
  method: 'POST',
  url: '/app/settings/payments',
  origin: APP,
  secFetchSite: 'same-origin',
  ...overrides,
});

describe('the request-forgery gate decision', () => {
  it('lets GET and HEAD through whatever they carry', () => {
    for (const method of ['GET', 'HEAD', 'get']) {
      expect(decide(post({ method, origin: 'https://evil.example', secFetchSite: 'cross-site' }), production)).toEqual({
        allow: true,
        reason: 'safe_method',
      });
    }
  });

  it('allows every other method only from the app origin', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND']) {
      expect(decide(post({ method }), production).allow).toBe(true);
      expect(decide(post({ method, origin: 'https://evil.example' }), production)).toEqual({
        allow: false,
        reason: 'foreign_origin',
      });
    }
  });

  it('compares scheme, host and port after parsing', () => {
    expect(decide(post({ origin: 'HTTPS://VOLDAAN.EXAMPLE' }), production).allow).toBe(true);
    expect(decide(post({ origin: 'https://voldaan.example:443' }), production).allow).toBe(true);
    for (const origin of [
      'http://voldaan.example',
      'https://voldaan.example:8443',
      'https://evil.voldaan.example',
      'https://voldaan.example.evil.example',
      'https://evil.example',
    ]) {
      expect(decide(post({ origin }), production)).toEqual({ allow: false, reason: 'foreign_origin' });
    }
  });

  it('refuses an Origin that is not a bare origin', () => {
    for (const origin of [
      '',
      'voldaan.example',
      'https://voldaan.example/app',
      'https://voldaan.example?x=1',
      'https://user@voldaan.example',
      'https://voldaan.example, https://evil.example',
      'https://voldaan.ex\tample',
      'https://voldaan.example\\',
      'file:///etc/passwd',
      'blob:https://voldaan.example/0f7c',
      'http://[::1',
    ]) {
      expect(decide(post({ origin }), production)).toEqual({ allow: false, reason: 'malformed_origin' });
    }
  });

  it('refuses a request without Origin, whatever Sec-Fetch-Site says', () => {
    for (const secFetchSite of [undefined, 'same-origin', 'same-site', 'cross-site', 'none']) {
      expect(decide(post({ origin: undefined, secFetchSite }), production)).toEqual({
        allow: false,
        reason: 'no_origin',
      });
    }
  });

  it('takes Origin: null only with Sec-Fetch-Site: same-origin (a no-referrer page of ours)', () => {
    expect(decide(post({ origin: 'null', secFetchSite: 'same-origin' }), production)).toEqual({
      allow: true,
      reason: 'null_origin_same_origin',
    });
    for (const secFetchSite of [undefined, 'same-site', 'cross-site', 'none', 'same-origin, cross-site']) {
      expect(decide(post({ origin: 'null', secFetchSite }), production)).toEqual({
        allow: false,
        reason: 'null_origin_not_same_origin',
      });
    }
  });

  it('leaves out only the webhooks and the API, by path', () => {
    const foreign = { origin: 'https://evil.example', secFetchSite: 'cross-site' };
    for (const url of ['/webhooks/stripe?org=1', '/webhooks/mollie', '/api/v1/invoices/F-1', '/api/v1/x.data']) {
      expect(decide(post({ url, ...foreign }), production)).toEqual({ allow: true, reason: 'exempt_path' });
    }
    for (const url of [
      '/api',
      '/webhooks',
      '/API/v1/invoices',
      '/apis/x',
      '/app/api/x',
      '/logout',
      '/portal/logout',
      '/language',
      '/app/settings/payments?_data=routes%2Fapp.settings.payments',
      '/app/settings/payments.data',
      '//api/v1/x',
      '/api/../app/settings/payments',
      '/api/%2e%2e/app/settings/payments',
      '/webhooks/./../logout',
      '/ap%69/v1/x',
      'http://voldaan.example/api/v1/x',
    ]) {
      expect(decide(post({ url, ...foreign }), production)).toEqual({ allow: false, reason: 'foreign_origin' });
    }
  });

  it('can trust a literal first segment: no route file starts its URL with a dynamic segment', async () => {
    const files = await fs.readdir(path.join(path.dirname(fileURLToPath(import.meta.url)), '../routes'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      // The one exception, the catch-all `$.tsx`, answers every address no other route answers
      // with 404, its action too: it does nothing a forged request could want (checked below).
      if (file === '$.tsx') continue;
      // Segments starting with `_` are pathless layouts; the first one left is the URL's first segment.
      const first = file
        .replace(/\.(tsx?|jsx?)$/, '')
        .split('.')
        .find((segment) => !segment.startsWith('_'));
      expect(first ?? '', file).not.toMatch(/^\(?\$/);
    }
    const catchAll = await import('~/routes/$');
    for (const handler of [catchAll.loader, catchAll.action]) {
      let thrown: unknown;
      try {
        handler();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(404);
    }
  });

  it('sees a path as Remix routes it: dot segments resolved, before and after the .data suffix goes', () => {
    expect(isExemptPath('/api/v1/../../app/settings/payments')).toBe(false);
    expect(isExemptPath('/api/v1/../../app/settings/payments.data')).toBe(false);
    // Remix strips `.data` and sets the path again; what is left stays under the prefix.
    expect(new URL('http://x/webhooks/..data').pathname).toBe('/webhooks/..data');
    expect(isExemptPath('/webhooks/..data')).toBe(true);
    expect(isExemptPath('/_root.data')).toBe(false);
  });

  it('outside production also takes the loopback aliases of a loopback APP_URL, same scheme and port', () => {
    const dev = gatePolicy({ APP_URL: 'http://localhost:3000', NODE_ENV: 'development' });
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      expect(decide(post({ origin }), dev).allow).toBe(true);
    }
    for (const origin of ['http://127.0.0.1:3001', 'https://127.0.0.1:3000', 'http://127.0.0.2:3000']) {
      expect(decide(post({ origin }), dev).allow).toBe(false);
    }
    const prod = gatePolicy({ APP_URL: 'http://localhost:3000', NODE_ENV: 'production' });
    expect(decide(post({ origin: 'http://127.0.0.1:3000' }), prod).allow).toBe(false);
    const devElsewhere = gatePolicy({ APP_URL: 'https://voldaan.example', NODE_ENV: 'development' });
    expect(decide(post({ origin: 'https://localhost' }), devElsewhere).allow).toBe(false);
  });
});

describe('the request-forgery gate in Express', () => {
  let server: http.Server;
  let port: number;
  const seen: { method: string; origin: string | undefined }[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(requestGate({ APP_URL: APP, NODE_ENV: 'production' }));
    app.use((req, res) => {
      seen.push({ method: req.method, origin: req.headers.origin });
      res.end('reached');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (method: string, path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end('a=1');
    });

  it('answers a forgery 403 with a short bilingual page that is not cached, and passes nothing on', async () => {
    seen.length = 0;
    const answer = await send('POST', '/logout', { origin: 'https://evil.example', 'content-length': '3' });
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.headers['cache-control']).toBe('no-store');
    const [dutch, english] = answer.body.trim().split('\n');
    expect(dutch).toMatch(/^403 - .*geweigerd/);
    expect(english).toMatch(/refused/);
    expect(seen).toEqual([]);
  });

  it('passes a same-origin post on without its Origin header, so no later check can disagree', async () => {
    seen.length = 0;
    const answer = await send('POST', '/logout', { origin: APP, 'content-length': '3' });
    expect(answer.body).toBe('reached');
    expect(seen).toEqual([{ method: 'POST', origin: undefined }]);
  });
});
