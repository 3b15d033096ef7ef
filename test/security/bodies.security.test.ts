/**
 * No body, header or escape an attacker can send makes any route answer 500 or show a stack, in
 * either mode. Brute force: every route with an action in the build gets a table of malformed
 * bodies, as a document request, a `?_data=` data request and a single-fetch `.data` request,
 * signed in where the route needs it (an admin for /app, a debtor for /portal, an API key for
 * /api), so the bodies reach the actions instead of a sign-in redirect. Then headers: absurd
 * cookies, Accept-Language garbage, odd Host and X-Forwarded-Host values, sent on a raw socket
 * where node:http would refuse to send them.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { ServerBuild } from '@remix-run/node';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningJwk, keyRingFromJwks, setKeyRing } from '~/modules/links/keys.server';
import { issuePortalLink } from '~/modules/links/links.server';
import { loadBuild } from '~/server/http';
import { getDb } from '~/utils/db.server';
import { createDebtor, createInvoice, createOrganization, createStaff, TEST_PASSWORD } from '~test/factories';
import { createApiKeyFor } from '~test/factories-intake';
import { MODES, showsStack, startApp, type RunningApp } from './harness';

// Each start gets its own instance of the build, so its cached settings follow the mode.

/** One signing key for both modes, so the links this file signs are the ones the app verifies. */
const SIGNING_KEYS = JSON.stringify({ keys: [await generateSigningJwk('bodies-suite')] });

type Body = { name: string; contentType?: string; body: string | Buffer };

const B = '----voldaanBoundary7MA4YWxk';
const FIELDS = 'email=a%40b.example&password=x&intent=save&message=hello&redirectTo=%2Fapp';

const MALFORMED_BODIES: Body[] = [
  { name: 'multipart, boundary declared but absent', contentType: `multipart/form-data; boundary=${B}`, body: FIELDS },
  {
    name: 'multipart, truncated part',
    contentType: `multipart/form-data; boundary=${B}`,
    body: `--${B}\r\nContent-Disposition: form-data; name="email"\r\n\r\nhalf a val`,
  },
  {
    name: 'multipart, part headers cut off',
    contentType: `multipart/form-data; boundary=${B}`,
    body: `--${B}\r\nContent-Disposition: form-data; na`,
  },
  {
    name: 'multipart without a boundary parameter',
    contentType: 'multipart/form-data',
    body: `--${B}\r\nContent-Disposition: form-data; name="email"\r\n\r\nx\r\n--${B}--\r\n`,
  },
  {
    name: 'multipart with an empty boundary',
    contentType: 'multipart/form-data; boundary=',
    body: `--\r\nContent-Disposition: form-data; name="email"\r\n\r\nx\r\n----\r\n`,
  },
  {
    name: 'multipart, a part without Content-Disposition and a file without a name',
    contentType: `multipart/form-data; boundary=${B}`,
    body:
      `--${B}\r\nContent-Type: text/plain\r\n\r\nno name\r\n` +
      `--${B}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\nContent-Type: application/pdf\r\n\r\n%PDF-\r\n` +
      `--${B}--\r\n`,
  },
  {
    name: 'multipart with NUL and raw CR/LF in values',
    contentType: `multipart/form-data; boundary=${B}`,
    body:
      `--${B}\r\nContent-Disposition: form-data; name="email"\r\n\r\na\0b\r\nc\r\n` +
      `--${B}\r\nContent-Disposition: form-data; name="redirectTo"\r\n\r\n/app\r\nLocation: https://evil.example\r\n` +
      `--${B}--\r\n`,
  },
  {
    name: 'urlencoded with bad %-escapes',
    contentType: 'application/x-www-form-urlencoded',
    body: 'email=%E0%A4%A&password=%zz&redirectTo=%&intent=%C0%AF&message=%uD800&locale=%FF',
  },
  {
    name: 'urlencoded that is not UTF-8',
    contentType: 'application/x-www-form-urlencoded; charset=utf-7',
    body: Buffer.concat([Buffer.from('email='), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('&intent=\xa0')]),
  },
  { name: 'JSON to a form', contentType: 'application/json', body: '{"email":"a@b.example","intent":{"$ne":1}}' },
  { name: 'malformed JSON', contentType: 'application/json', body: '{"email": "a@b.example",' },
  {
    name: 'NUL bytes',
    contentType: 'application/x-www-form-urlencoded',
    body: 'email=a%00b&password=%00&message=\0\0raw\0&intent=\0&redirectTo=%2F%00',
  },
  {
    name: 'raw CR/LF in values',
    contentType: 'application/x-www-form-urlencoded',
    body: 'email=a\r\nb&redirectTo=/app\r\nLocation: https://evil.example&message=line\r\nline&intent=x\r\ny',
  },
  {
    name: 'CR/LF escaped in values',
    contentType: 'application/x-www-form-urlencoded',
    body: 'email=a%0D%0Ab&redirectTo=%2Fapp%0D%0ALocation%3A%20https%3A%2F%2Fevil.example&locale=en%0D%0A',
  },
  {
    name: '5,000 fields',
    contentType: 'application/x-www-form-urlencoded',
    body: Array.from({ length: 5_000 }, (_, i) => `f${i}=${i}`).join('&'),
  },
  {
    name: 'one huge field within the byte limit',
    contentType: 'application/x-www-form-urlencoded',
    body: `intent=save&email=a%40b.example&message=${'a'.repeat(60_000)}`,
  },
  { name: 'wrong Content-Type', contentType: 'text/plain', body: FIELDS },
  { name: 'no Content-Type, binary', body: Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 0x25, 0x50, 0x44, 0x46]) },
  { name: 'an empty body declared as a form', contentType: 'application/x-www-form-urlencoded', body: '' },
];

type ActionRoute = { id: string; path: string; index: boolean };

/** Every route with an action, with its URL path (parameters filled with plausible values). */
function actionRoutes(build: ServerBuild): ActionRoute[] {
  const fullPath = (id: string): string => {
    const route = build.routes[id];
    const parent = route.parentId ? fullPath(route.parentId) : '';
    return route.path ? `${parent}/${route.path}`.replace(/\/+/g, '/') : parent;
  };
  const values: Record<string, string> = { number: 'INV-2026-1', externalRef: 'K-1', token: 'abc', template: 'x' };
  return Object.values(build.routes)
    .filter((route) => route?.module.action)
    .map((route) => ({
      id: route!.id,
      index: Boolean(route!.index),
      path: (fullPath(route!.id) || '/')
        .replace(/:(\w+)\??/g, (_, name: string) => values[name] ?? randomUUID())
        .replace(/\*$/, 'anything'),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The three ways Remix takes a submission: a document request, `?_data=` and single fetch's `.data`. */
function variants(route: ActionRoute): { name: string; url: string }[] {
  const [path, query = ''] = route.path.split('?');
  const q = (...parts: string[]) => {
    const all = [query, route.index ? 'index' : '', ...parts].filter(Boolean);
    return all.length ? `?${all.join('&')}` : '';
  };
  const data = path === '/' ? '/_root.data' : `${path.replace(/\/$/, '')}.data`;
  return [
    { name: 'document', url: `${path}${q()}` },
    { name: '_data', url: `${path}${q(`_data=${encodeURIComponent(route.id)}`)}` },
    { name: '.data', url: `${data}${q()}` },
  ];
}

const API_METHODS: Record<string, string> = {
  'routes/api.v1.invoices.$number': 'PUT',
  'routes/api.v1.debtors.$externalRef': 'PUT',
  'routes/api.v1.invoices.$number_.pdf': 'PUT',
};

function setCookiePair(answer: { headers: Record<string, unknown> }): string {
  const header = answer.headers['set-cookie'];
  const first = Array.isArray(header) ? String(header[0]) : String(header ?? '');
  return first.split(';')[0];
}

/** Sends bytes as they are on a fresh connection and returns the status line's code (0: no answer). */
function rawExchange(port: number, head: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    // Not end(): a half-closed connection may be dropped before the answer; Connection: close ends it.
    socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`);
  });
}

let fixtures: {
  staffEmail: string;
  apiKey: string;
  debtor: { id: string; organizationId: string };
  orgId: string;
};

beforeAll(async () => {
  const org = await createOrganization();
  const staff = await createStaff(org, 'admin');
  const debtor = await createDebtor(org);
  await createInvoice(org, debtor);
  const { key } = await createApiKeyFor(org);
  fixtures = { staffEmail: staff.email, apiKey: key, debtor, orgId: org.id };
  setKeyRing(await keyRingFromJwks(SIGNING_KEYS));
});

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  let staffCookie: string;
  let portalCookie: string;
  let routes: ActionRoute[];

  beforeAll(async () => {
    app = await startApp(mode, { PORTAL_SIGNING_KEYS: SIGNING_KEYS });
    routes = actionRoutes(await loadBuild());
    // The sign-in below must not meet the throttle the previous mode's garbage posts to /login filled.
    await getDb().execute(sql`delete from rate_limits`);
    const signIn = await app.postForm('/login', { email: fixtures.staffEmail, password: TEST_PASSWORD });
    expect(signIn.status).toBe(302);
    staffCookie = setCookiePair(signIn);
    const link = await getDb().transaction((tx) =>
      issuePortalLink(tx, { organizationId: fixtures.orgId, debtorId: fixtures.debtor.id, purpose: 'reminder' }),
    );
    const landing = await app.request(`/l/${link.token}`);
    expect(landing.status).toBe(303);
    portalCookie = setCookiePair(landing);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('finds the routes with actions in the build, signed in as admin and as debtor', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/login', '/webhooks/stripe', '/app/imports']));
    expect((await app.request('/app', { headers: { cookie: staffCookie } })).status).toBe(200);
    expect((await app.request('/portal', { headers: { cookie: portalCookie } })).status).toBe(200);
  });

  it('answers every malformed body to every action without a 500 or a stack', async () => {
    const requests: { label: string; url: string; options: Parameters<RunningApp['request']>[1] }[] = [];
    for (const route of routes) {
      // Signing out would end the sessions the other routes need; those two get no cookie.
      const signOut = /logout$/.test(route.path);
      const cookie = signOut
        ? undefined
        : route.path.startsWith('/app')
          ? staffCookie
          : route.path.startsWith('/portal')
            ? portalCookie
            : undefined;
      const authorization = route.path.startsWith('/api/') ? `Bearer ${fixtures.apiKey}` : undefined;
      const method = API_METHODS[route.id] ?? 'POST';
      for (const variant of variants(route)) {
        for (const body of MALFORMED_BODIES) {
          requests.push({
            label: `${method} ${variant.url} (${body.name})`,
            url: variant.url,
            options: {
              method,
              headers: {
                'content-type': body.contentType,
                origin: app.origin,
                'sec-fetch-site': 'same-origin',
                cookie,
                authorization,
              },
              body: body.body,
            },
          });
        }
      }
    }
    expect(requests.length).toBe(routes.length * 3 * MALFORMED_BODIES.length);
    const failures: string[] = [];
    // A few at a time: the order does not matter, and one by one takes minutes.
    const queue = [...requests];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const answer = await app.request(next.url, next.options);
        if (answer.status >= 500 || showsStack(answer.body)) {
          failures.push(`${next.label}: ${answer.status} ${answer.body.slice(0, 160)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(failures.sort()).toEqual([]);
  }, 600_000);

  it('answers a malformed multipart sign-in 400 and a JSON one 415, in plain words, and signs no one in', async () => {
    const post = (contentType: string, body: string) =>
      app.request('/login', {
        method: 'POST',
        headers: { 'content-type': contentType, origin: app.origin, 'sec-fetch-site': 'same-origin' },
        body,
      });
    const truncated = await post(
      `multipart/form-data; boundary=${B}`,
      `--${B}\r\nContent-Disposition: form-data; name="email"\r\n\r\n${fixtures.staffEmail}`,
    );
    expect(truncated.status).toBe(400);
    expect(truncated.headers['content-type']).toMatch(/^text\/plain/);
    expect(truncated.body).toContain('This form could not be read');
    expect(truncated.headers['set-cookie']).toBeUndefined();

    const json = await post(
      'application/json',
      JSON.stringify({ email: fixtures.staffEmail, password: TEST_PASSWORD }),
    );
    expect(json.status).toBe(415);
    expect(json.body).toContain('application/x-www-form-urlencoded or multipart/form-data');
    expect(json.headers['set-cookie']).toBeUndefined();

    // The same body through single fetch, and a well-formed sign-in through the retired ?_data= path.
    const single = await app.request('/login.data', {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${B}`,
        origin: app.origin,
        'sec-fetch-site': 'same-origin',
      },
      body: FIELDS,
    });
    expect(single.status).toBe(400);
    await getDb().execute(sql`delete from rate_limits`);
    const legacy = await app.postForm('/login?_data=routes%2Flogin', {
      email: fixtures.staffEmail,
      password: TEST_PASSWORD,
    });
    expect(legacy.status).toBe(302);
    expect(legacy.headers.location).toBe('/app');
  });

  it('answers a retired ?_data= request as the request it names, never 500', async () => {
    // The action's data has a `status` field, which Remix's old data path took for an HTTP status (500).
    const answer = await app.postForm('/link-help?_data=routes%2Flink-help', { email: 'nobody@example.com' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    const loader = await app.request('/portal/signed-out?_data=routes%2Fportal_.signed-out');
    expect(loader.status).toBe(200);
  });

  const PAGES = ['/', '/login', '/app', '/app/settings/payments', '/portal', '/portal/pay', '/link-help', '/l/abc'];
  const MORE = ['/api/v1/payments', '/webhooks/stripe', '/portal/signed-out', '/healthz', '/language'];

  it.each([
    [
      'a malformed 8 KB staff cookie',
      `vd_staff=${'%'.repeat(4_000)}; __Host-vd_staff="unterminated; x=${'y'.repeat(4_000)}`,
    ],
    ['a forged portal cookie', `vd_portal=eyJ${'A'.repeat(7_000)}.c2ln; __Host-vd_portal=%E0%A4%A.%zz`],
    ['cookies without names or values', `=; ;;; =====; vd_locale=%ff%fe; vd_locale=xx; vd_staff; __Host-vd_staff=`],
    ['a locale cookie that is not a locale', `vd_locale=${encodeURIComponent('"><script>')}; locale=../../etc`],
  ])('answers %s without a 500', async (_, cookie) => {
    const failures: string[] = [];
    for (const path of [...PAGES, ...MORE]) {
      const answer = await app.request(path, { headers: { cookie, authorization: `Bearer ${fixtures.apiKey}` } });
      if (answer.status >= 500 || showsStack(answer.body)) failures.push(`${path}: ${answer.status}`);
    }
    const post = await app.postForm('/login', { email: 'x@example.com', password: 'x' }, { cookie });
    if (post.status >= 500 || showsStack(post.body)) failures.push(`POST /login: ${post.status}`);
    expect(failures).toEqual([]);
  });

  it('answers Accept-Language garbage without a 500', async () => {
    const failures: string[] = [];
    for (const language of [
      `*;q=abc, ,,;;;, zz-ZZZZZZZZZZ-x-, ${'en;q=2,'.repeat(500)}`,
      'nl-NL;q=NaN, en;q=-1, de;q=1e999',
      ';;;;',
      '\xfc\xe9-\xff',
      'x'.repeat(8_000),
    ]) {
      for (const path of PAGES) {
        const answer = await app.request(path, { headers: { 'accept-language': language, cookie: portalCookie } });
        if (answer.status >= 500 || showsStack(answer.body))
          failures.push(`${path} (${language.slice(0, 20)}): ${answer.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers odd Host and X-Forwarded-* values without a 500, with or without a trusted proxy', async () => {
    const hosts = [
      'evil.example',
      '[::1',
      'a b',
      'localhost:99999',
      'localhost:abc',
      '%',
      'a'.repeat(300),
      '@evil',
      'a/b',
      'h:1:2',
      '127.0.0.1:0',
      '',
    ];
    const forwarded = [
      'X-Forwarded-Host: evil',
      'X-Forwarded-Host: evil:notaport',
      'X-Forwarded-Host: [',
      'X-Forwarded-Host: a:99999',
      'X-Forwarded-Host: , ,',
      'X-Forwarded-Proto: javascript',
      'X-Forwarded-Proto: https, http',
      'X-Forwarded-For: not-an-address, ::ffff:999.1.1.1',
    ];
    const check = async (port: number, failures: string[]) => {
      for (const path of ['/', '/login', '/portal/pay', '/api/v1/payments']) {
        for (const host of hosts) {
          const { status, text } = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: ${host}`);
          if (status === 0 || status >= 500 || showsStack(text))
            failures.push(`${path} Host ${host.slice(0, 20)}: ${status}`);
        }
        for (const header of forwarded) {
          const { status, text } = await rawExchange(
            port,
            `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${header}`,
          );
          if (status === 0 || status >= 500 || showsStack(text)) failures.push(`${path} ${header}: ${status}`);
        }
      }
      const login = new URLSearchParams({ email: 'x@example.com', password: 'x' }).toString();
      const { status } = await rawExchange(
        port,
        `POST /login HTTP/1.1\r\nHost: [::1\r\nX-Forwarded-Host: a:99999\r\nOrigin: http://[::1\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${login.length}`,
        login,
      );
      if (status === 0 || status >= 500) failures.push(`POST /login with odd Host: ${status}`);
    };
    const failures: string[] = [];
    await check(app.port, failures);
    const proxied = await startApp(mode, { PORTAL_SIGNING_KEYS: SIGNING_KEYS, TRUSTED_PROXIES: '1' });
    try {
      await check(proxied.port, failures);
    } finally {
      await proxied.stop();
    }
    expect(failures).toEqual([]);
  });
});
