/**
 * The error pages as a browser gets them: whole documents rendered by Remix from the app's own
 * route modules (root, the catch-all, the back office and its admin-only settings), so the status,
 * the <title> and the page's words are checked together. An unknown address in the back office is
 * "not found", a support user on an admin-only page has "no access", each in the reader's language
 * and each saying what the reader can do next.
 */
import { randomUUID } from 'node:crypto';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
import { describe, expect, it } from 'vitest';
import * as entry from '~/entry.server';
import * as root from '~/root';
import * as notFoundRoute from '~/routes/$';
import * as backOffice from '~/routes/app';
import * as dashboard from '~/routes/app._index';
import * as invoicePage from '~/routes/app.invoices.$id';
import * as settings from '~/routes/app.settings';
import * as settingsIndex from '~/routes/app.settings._index';
import { localeCookie } from '~/utils/i18n/locale.server';
import { createOrganization, createStaff } from '~test/factories';
import { staffCookie } from '~test/factories-backoffice';

type Module = Record<string, unknown>;
const ROUTES: { id: string; parentId?: string; path?: string; index?: boolean; module: Module }[] = [
  { id: 'root', path: '', module: root },
  { id: 'routes/$', parentId: 'root', path: '*', module: notFoundRoute },
  { id: 'routes/app', parentId: 'root', path: 'app', module: backOffice },
  { id: 'routes/app._index', parentId: 'routes/app', index: true, module: dashboard },
  { id: 'routes/app.invoices.$id', parentId: 'routes/app', path: 'invoices/:id', module: invoicePage },
  { id: 'routes/app.settings', parentId: 'routes/app', path: 'settings', module: settings },
  { id: 'routes/app.settings._index', parentId: 'routes/app.settings', index: true, module: settingsIndex },
];

/** The part of a server build Remix needs to answer document requests, from the modules themselves. */
function build(): ServerBuild {
  const routes = Object.fromEntries(ROUTES.map((r) => [r.id, { ...r, caseSensitive: undefined }]));
  const manifestRoutes = Object.fromEntries(
    ROUTES.map((r) => [
      r.id,
      {
        id: r.id,
        parentId: r.parentId,
        path: r.path,
        index: r.index,
        caseSensitive: undefined,
        module: `/build/${r.id}.js`,
        imports: [],
        hasLoader: 'loader' in r.module,
        hasAction: 'action' in r.module,
        hasClientLoader: false,
        hasClientAction: false,
        hasErrorBoundary: 'ErrorBoundary' in r.module,
      },
    ]),
  );
  return {
    mode: 'production',
    basename: '/',
    publicPath: '/build/',
    assetsBuildDirectory: 'public/build',
    isSpaMode: false,
    future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_singleFetch: true },
    assets: {
      entry: { imports: [], module: '/build/entry.client.js' },
      routes: manifestRoutes,
      url: '',
      version: 'test',
    },
    entry: { module: entry },
    routes,
  } as unknown as ServerBuild;
}

const handle = createRequestHandler(build(), 'production');

async function get(path: string, cookies: string[] = []) {
  const response = await handle(
    new Request(new URL(path, 'http://voldaan.test'), { headers: { Cookie: cookies.join('; ') } }),
    {
      nonce: 'test',
      errors: [],
    },
  );
  const html = await response.text();
  return {
    status: response.status,
    html,
    title: /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? null,
    heading: /<h1>([^<]*)<\/h1>/.exec(html)?.[1] ?? null,
  };
}

const english = async () => (await localeCookie.serialize('en')).split(';')[0];

async function staffOf(role: 'admin' | 'finance' | 'support') {
  const org = await createOrganization();
  return staffCookie(await createStaff(org, role));
}

describe('the not-found page', () => {
  it('answers an unknown back-office address with 404, titled and worded "not found", and a way back to the overview', async () => {
    const cookie = await staffOf('finance');
    const page = await get('/app/bestaat-niet', [cookie]);
    expect(page.status).toBe(404);
    expect(page.title).toBe('Pagina niet gevonden · Voldaan');
    expect(page.heading).toBe('Pagina niet gevonden');
    expect(page.html).toContain('Deze pagina bestaat niet (meer).');
    expect(page.html).toContain('<a href="/app">Terug naar het overzicht</a>');
    expect(page.html).not.toContain('Er ging iets mis');
  });

  it('is the same page when a back-office page finds nothing (another creditor’s or an unknown invoice)', async () => {
    const page = await get(`/app/invoices/${randomUUID()}`, [await staffOf('support')]);
    expect(page.status).toBe(404);
    expect(page.title).toBe('Pagina niet gevonden · Voldaan');
    expect(page.heading).toBe('Pagina niet gevonden');
    expect(page.html).toContain('<a href="/app">Terug naar het overzicht</a>');
  });

  it('says it in English to a reader who chose English', async () => {
    const page = await get('/app/does/not/exist', [await staffOf('support'), await english()]);
    expect(page.status).toBe(404);
    expect(page.title).toBe('Page not found · Voldaan');
    expect(page.heading).toBe('Page not found');
    expect(page.html).toContain('<a href="/app">Back to the dashboard</a>');
  });

  it('leads a debtor back to their invoices, anyone else to the start', async () => {
    const portal = await get('/portal/bestaat-niet');
    expect(portal.status).toBe(404);
    expect(portal.html).toContain('<a href="/portal">Terug naar uw facturen</a>');
    const elsewhere = await get('/nergens', [await english()]);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.html).toContain('<a href="/">To the start page</a>');
  });

  it('answers a post to an unknown address with the same 404', async () => {
    const response = await handle(
      new Request('http://voldaan.test/nergens', { method: 'POST', body: new URLSearchParams({ a: '1' }) }),
      { nonce: 'test', errors: [] },
    );
    expect(response.status).toBe(404);
  });
});

describe('the no-access page', () => {
  it('answers a support user on an admin-only page with 403, titled "no access", and what to do about it', async () => {
    const page = await get('/app/settings', [await staffOf('support')]);
    expect(page.status).toBe(403);
    expect(page.title).toBe('Geen toegang · Voldaan');
    expect(page.heading).toBe('Geen toegang');
    expect(page.html).toContain('Vraag een beheerder van uw organisatie om toegang.');
    expect(page.html).toContain('<a href="/app">Terug naar het overzicht</a>');
    // Signing in with another account is a real form (sign-out is a POST), so it works without JavaScript.
    expect(page.html).toMatch(
      /<form method="post" action="\/logout">\s*<button type="submit" class="secondary">Inloggen met een ander account<\/button>/,
    );
  });

  it('in English too', async () => {
    const page = await get('/app/settings', [await staffOf('finance'), await english()]);
    expect(page.status).toBe(403);
    expect(page.title).toBe('No access · Voldaan');
    expect(page.html).toContain('Ask an admin of your organisation for access.');
  });

  it('lets an admin in, under a translated title', async () => {
    const page = await get('/app/settings', [await staffOf('admin'), await english()]);
    expect(page.status).toBe(200);
    expect(page.title).toBe('Settings · Voldaan');
  });
});

describe('page titles in the back office', () => {
  it('are in the reader’s language', async () => {
    const cookie = await staffOf('finance');
    expect((await get('/app', [cookie])).title).toBe('Overzicht · Voldaan');
    expect((await get('/app', [cookie, await english()])).title).toBe('Dashboard · Voldaan');
  });
});
