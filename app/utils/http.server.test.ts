import { describe, expect, it } from 'vitest';
import { forbidden, invariantResponse, notFound, safeRedirect } from './http.server';

const FALLBACK = '/fallback';

/** What a browser makes of a Location header: the address it goes to from a page of ours. */
const followed = (location: string) => new URL(location, 'https://voldaan.example/app/debtors');

describe('safeRedirect', () => {
  // Each of these would, taken as it is or after a browser, proxy or later decoder has read it,
  // leave the site, split the header, or run script.
  const hostile: [string, string][] = [
    ['protocol-relative', '//evil.example'],
    ['three slashes', '///evil.example'],
    ['backslash after the slash', '/\\evil.example'],
    ['backslash first', '\\/evil.example'],
    ['TAB between slashes (browsers drop it)', '/\t/evil.example'],
    ['LF between slashes', '/\n/evil.example'],
    ['dot segment, then backslash', '/app/../\\evil.example'],
    ['dot segment that leaves //', '/.//evil.example'],
    ['parent segment that leaves //', '/app/..//evil.example'],
    ['encoded parent segment that leaves //', '/app/%2e%2e//evil.example'],
    ['absolute https URL', 'https://evil.example'],
    ['absolute URL without slashes', 'https:evil.example'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['encoded slashes', '/%2F%2Fevil.example'],
    ['one encoded slash', '/%2fevil.example'],
    ['encoded backslash', '/%5Cevil.example'],
    ['encoded backslash, lower case', '/%5cevil.example'],
    ['encoded TAB', '/%09/evil.example'],
    ['raw CR/LF header injection', '/\r\nSet-Cookie: x=y'],
    ['encoded CR/LF', '/%0d%0aSet-Cookie:%20x=y'],
    ['double-encoded CR/LF', '/%250d%250aSet-Cookie:%20x=y'],
    ['double-encoded slashes', '/%252F%252Fevil.example'],
    ['double-encoded backslash', '/%255cevil.example'],
    ['encoding nested past any honest address', '/%25252525252F%25252525252Fevil.example'],
    ['leading space', ' /app'],
    ['NUL', '/app\u0000'],
    ['DEL', '/app\u007f'],
    ['C1 control (NEL)', '/app\u0085'],
    ['encoded C1 control', '/app%C2%85'],
    ['no leading slash', 'evil.example'],
    ['query only', '?next=/app'],
    ['empty', ''],
  ];

  it.each(hostile)('refuses %s', (_, input) => {
    expect(safeRedirect(input, FALLBACK)).toBe(FALLBACK);
  });

  it('has a table of at least 25 hostile inputs', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(25);
  });

  // Unicode look-alikes of the dot and the slash are only path characters: the answer is the
  // parser's percent-encoded path, which no browser reads as another host.
  it.each([
    ['/\u3002evil.example', '/%E3%80%82evil.example'],
    ['/\uff0fevil.example', '/%EF%BC%8Fevil.example'],
    ['/\u2028evil.example', '/%E2%80%A8evil.example'],
  ])('returns %j only as the encoded same-origin path %s', (input, expected) => {
    expect(safeRedirect(input, FALLBACK)).toBe(expected);
    expect(followed(expected).origin).toBe('https://voldaan.example');
  });

  it('passes same-origin paths with their query and fragment unchanged', () => {
    for (const good of [
      '/',
      '/app',
      '/app/debtors?q=Jansen&page=2',
      '/app/debtors?q=M%C3%BCller',
      '/app/debtors?q=50%25',
      '/app/debtors?q=a%2Fb',
      '/portal/invoices/4b6f7c1e-2a0d-4c57-9d0e-3f1a2b3c4d5e#pay',
      '/portal?next=//not-a-host-here',
      '/app/settings/api-keys',
    ]) {
      expect(safeRedirect(good, FALLBACK)).toBe(good);
    }
  });

  it('answers the normalized path, never the raw input', () => {
    expect(safeRedirect('/app/./settings/../debtors', FALLBACK)).toBe('/app/debtors');
    expect(safeRedirect('/app/%2e%2e/portal', FALLBACK)).toBe('/portal');
    expect(safeRedirect('/app debtors', FALLBACK)).toBe('/app%20debtors');
  });

  it('takes only a string of a sane length', () => {
    expect(safeRedirect(null, FALLBACK)).toBe(FALLBACK);
    expect(safeRedirect(undefined, FALLBACK)).toBe(FALLBACK);
    expect(safeRedirect(new File(['/app'], 'x.txt'), FALLBACK)).toBe(FALLBACK);
    expect(safeRedirect(`/app?q=${'a'.repeat(3000)}`, FALLBACK)).toBe(FALLBACK);
  });

  it('never answers anything a browser would take off the site', () => {
    for (const [, input] of hostile) {
      const location = safeRedirect(input, '/app');
      expect(followed(location).origin).toBe('https://voldaan.example');
      expect(location).toMatch(/^\/(?![/\\])/);
    }
  });
});

/** What a helper throws: it must throw, and what it throws must be a Response. */
function thrown(run: () => unknown): Response {
  try {
    run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error('expected a thrown Response, nothing was thrown');
}

describe('refusals', () => {
  it('notFound throws a plain-text 404 with "Not found" or the given text', async () => {
    const plain = thrown(() => notFound());
    expect(plain.status).toBe(404);
    expect(plain.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await plain.text()).toBe('Not found');
    expect(await thrown(() => notFound('Not Found')).text()).toBe('Not Found');
  });

  it('forbidden throws a plain-text 403 with "Forbidden" or the given text', async () => {
    const plain = thrown(() => forbidden());
    expect(plain.status).toBe(403);
    expect(plain.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await plain.text()).toBe('Forbidden');
    expect(await thrown(() => forbidden('Admins only')).text()).toBe('Admins only');
  });

  it('invariantResponse passes a truthy value and throws a 400 (or the given status) for a falsy one', async () => {
    expect(() => invariantResponse({ id: 'x' }, 'Not found', { status: 404 })).not.toThrow();
    expect(() => invariantResponse(1, 'Bad')).not.toThrow();
    for (const falsy of [null, undefined, false, 0, '']) {
      expect(thrown(() => invariantResponse(falsy, 'Bad')).status, String(falsy)).toBe(400);
    }
    const missing = thrown(() => invariantResponse(null, 'Not found', { status: 404 }));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(await missing.text()).toBe('Not found');
    const withHeader = thrown(() => invariantResponse(false, 'Gone', { status: 410, headers: { 'X-Why': 'test' } }));
    expect([withHeader.status, withHeader.headers.get('X-Why')]).toEqual([410, 'test']);
  });

  it('invariantResponse narrows the value it checked', () => {
    const found = ((): { id: string } | null => ({ id: 'a' }))();
    invariantResponse(found, 'Not found', { status: 404 });
    expect(found.id).toBe('a');
  });
});
