/**
 * The Content-Security-Policy allows no inline style without a nonce or a hash: pages, Remix's
 * error page and the 503 page send no 'unsafe-inline' and no style attribute, the creditor's brand
 * colour comes in a <style> element carrying the page's nonce, the 503 page's one <style> is
 * allowed by its hash, and the development mail viewer's email document has a narrower policy of
 * its own instead of the app's (which would refuse an email's inline styles).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '~/server/embedded-db';
import { discardPool } from '~/utils/db.server';
import { createDebtor, createOrganization, createStaff } from '~test/factories';
import { queuedReminder } from '~test/factories-mail';
import { waitFor } from '~test/wait';
import { MODES, startApp, type Answer, type RunningApp } from './harness';
import { portalCookie, staffCookie, startHeldApp } from './held-world';

/** The directives of a policy by name; fails when the header is missing or sent twice. */
function policyOf(answer: Answer): Map<string, string[]> {
  const header = answer.headers['content-security-policy'];
  expect(typeof header, 'one Content-Security-Policy header').toBe('string');
  const policy = new Map<string, string[]>();
  for (const directive of (header as string).split(';')) {
    const [name, ...values] = directive.trim().split(/\s+/);
    if (!name) continue;
    expect(policy.has(name), `${name} once in ${header as string}`).toBe(false);
    policy.set(name, values);
  }
  return policy;
}

/** Every start tag that carries a style attribute: the policy refuses them all. */
function styleAttributes(html: string): string[] {
  return html.match(/<[a-z][^>]*\sstyle\s*=[^>]*>/gi) ?? [];
}

/** The checks every HTML page of the app passes: returns the page's nonce. */
function expectStrictPage(answer: Answer): string {
  expect(answer.headers['content-type']).toMatch(/^text\/html/);
  expect(answer.headers['content-security-policy']).not.toContain('unsafe-inline');
  const policy = policyOf(answer);
  const scriptSrc = policy.get('script-src') ?? [];
  const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(scriptSrc[1] ?? '')?.[1];
  expect(scriptSrc, 'script-src').toEqual(["'self'", `'nonce-${nonce}'`]);
  expect(policy.get('style-src'), 'style-src').toEqual(["'self'", `'nonce-${nonce}'`]);
  expect(policy.has('style-src-attr')).toBe(false);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(styleAttributes(answer.body)).toEqual([]);
  // Every inline <script> and <style> the page sends carries this response's nonce.
  const inline = [...answer.body.matchAll(/<(script|style)\b([^>]*)>/gi)].filter(
    ([, , attrs]) => !/\ssrc=/.test(attrs),
  );
  for (const [tag] of inline) expect(tag).toContain(` nonce="${nonce}"`);
  return nonce!;
}

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startHeldApp(mode);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('sends pages a policy without unsafe-inline, a fresh nonce each time, and no style attribute', async () => {
    const first = await app.request('/login');
    expect(first.status).toBe(200);
    const nonce = expectStrictPage(first);
    const second = await app.request('/login');
    expect(expectStrictPage(second)).not.toBe(nonce);
    expectStrictPage(await app.request('/link-help'));
  });

  it('gives Remix error pages the same policy', async () => {
    const missing = await app.request('/no-such-page');
    expect(missing.status).toBe(404);
    expectStrictPage(missing);
  });

  it('writes the brand colour into a nonce-carrying <style> of the portal, never into an attribute', async () => {
    const org = await createOrganization({ brandColor: '#a1b2c3' });
    const cookie = await portalCookie(app, await createDebtor(org));
    const portal = await app.request('/portal', { headers: { cookie } });
    expect(portal.status).toBe(200);
    const nonce = expectStrictPage(portal);
    expect(portal.body).toContain(`<style nonce="${nonce}">.portal{--brand:#a1b2c3;--brand-contrast:#111111}</style>`);
  });

  it("shows the creditor's colour in the back office's settings the same way", async () => {
    const org = await createOrganization({ brandColor: '#a1b2c3' });
    const cookie = await staffCookie(app, await createStaff(org, 'admin'));
    for (const path of ['/app/settings', '/app/settings/branding']) {
      const page = await app.request(path, { headers: { cookie } });
      expect(page.status, path).toBe(200);
      const nonce = expectStrictPage(page);
      expect(page.body, path).toContain(
        `<style nonce="${nonce}">.org-brand{--brand:#a1b2c3;--brand-contrast:#111111}</style>`,
      );
    }
  });

  it('keeps a stored colour that is not #rrggbb out of the CSS', async () => {
    const org = await createOrganization({ brandColor: 'red;}*{display:none' });
    const cookie = await portalCookie(app, await createDebtor(org));
    const portal = await app.request('/portal', { headers: { cookie } });
    expect(portal.status).toBe(200);
    const nonce = expectStrictPage(portal);
    const styles = [...portal.body.matchAll(/<style[^>]*>([^<]*)<\/style>/g)].map(([, css]) => css);
    expect(styles).toEqual(['.portal{--brand:#0b5d4b;--brand-contrast:#ffffff}']);
    expect(portal.body).toContain(`<style nonce="${nonce}">`);
  });

  it(
    mode === 'development'
      ? 'serves an email in the mail viewer under its own policy only: inline styles, no scripts, sandboxed'
      : 'has no mail viewer: its addresses answer 404 under the strict policy',
    async () => {
      const { comm } = await queuedReminder();
      for (const path of [`/dev/mail/${comm!.id}/html`, '/dev/mail/preview/friendly_reminder']) {
        const answer = await app.request(path);
        const policy = policyOf(answer);
        if (mode === 'production') {
          expect(answer.status, path).toBe(404);
          expect(policy.get('style-src'), path).not.toContain("'unsafe-inline'");
          expect(policy.get('default-src'), path).toEqual(["'self'"]);
          continue;
        }
        expect(answer.status, path).toBe(200);
        expect(policy.get('default-src'), path).toEqual(["'none'"]);
        expect(policy.get('style-src'), path).toEqual(["'unsafe-inline'"]);
        expect(policy.has('script-src'), path).toBe(false);
        expect(policy.get('sandbox'), path).toEqual(['allow-popups', 'allow-popups-to-escape-sandbox']);
        expect(policy.get('form-action'), path).toEqual(["'none'"]);
        expect(policy.get('frame-ancestors'), path).toEqual(["'none'"]);
        expect(styleAttributes(answer.body).length, path).toBeGreaterThan(0);
      }
    },
  );
});

describe.each(MODES)('in %s mode, with the database unreachable', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    // The pool of the suite's database is dropped, so the app opens one on the closed port below.
    await discardPool();
    const closed = await freePort();
    app = await startApp(mode, { DATABASE_URL: `postgres://voldaan@127.0.0.1:${closed}/voldaan` });
  });
  afterAll(async () => {
    await app?.stop();
    await discardPool();
  });

  it('answers the 503 page with a policy of its own that allows its one <style> by hash', async () => {
    const answer = await waitFor('a 503 page', async () => {
      const page = await app.request('/login');
      return page.status === 503 ? page : undefined;
    });
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.headers['content-security-policy']).not.toContain('unsafe-inline');
    const policy = policyOf(answer);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.has('script-src')).toBe(false);
    const styles = [...answer.body.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(([, css]) => css);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]).digest('base64');
    expect(policy.get('style-src')).toEqual([`'sha256-${hash}'`]);
    expect(styleAttributes(answer.body)).toEqual([]);
    expect(answer.body).not.toMatch(/<script/i);
  });
});
