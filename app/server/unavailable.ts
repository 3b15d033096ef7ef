/**
 * The 503 the HTTP server answers while the database cannot be reached: a small page that
 * needs nothing from the database or the Remix build (JSON under /api and /webhooks).
 */
import { createHash } from 'node:crypto';
import type express from 'express';
import { DEFAULT_LOCALE, isLocale, translate, type Locale } from '~/utils/i18n';

/** Seconds a client is asked to wait; the server itself notices the database is back within one. */
export const RETRY_AFTER_SECONDS = 10;

const MACHINE_PATHS = /^\/(api|webhooks)(\/|$)/;

function localeOf(req: express.Request): Locale {
  // The language cookie (vd_lang) holds a base64 JSON string, as Remix's createCookie writes it.
  const raw = /(?:^|;\s*)vd_lang=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (!raw) return DEFAULT_LOCALE;
  try {
    const value: unknown = JSON.parse(Buffer.from(decodeURIComponent(raw), 'base64').toString('utf8'));
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

/** The text between the page's <style> tags, exactly as hashed into its policy. */
const STYLE = `
${[
  'body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f5f6f4;color:#1d2621}',
  'main{max-width:32rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}',
  'h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.5;margin:0}',
  '@media (max-width:34rem){main{margin:8vh 1rem;padding:1.5rem}}',
].join('\n')}
`;

/**
 * The page's own policy, in place of the app's: it has no Remix scripts to carry a nonce, and its
 * one style element is fixed text, allowed by its hash. Nothing else may load.
 */
export const UNAVAILABLE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function escapeHtml(text: string) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function unavailablePage(locale: Locale): string {
  const title = escapeHtml(translate(locale, 'error.unavailable.title'));
  const body = escapeHtml(translate(locale, 'error.unavailable.body'));
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS * 2}">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main id="main"><h1>${title}</h1><p>${body}</p></main>
</body>
</html>
`;
}

/** Answers the request with the 503: JSON for machines, the page for people. */
export function sendUnavailable(req: express.Request, res: express.Response) {
  res.status(503);
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  res.setHeader('Cache-Control', 'no-store');
  if (MACHINE_PATHS.test(req.path)) {
    res.json({
      error: {
        code: 'service_unavailable',
        message: `The database cannot be reached for a moment. Retry after ${RETRY_AFTER_SECONDS} seconds.`,
      },
    });
    return;
  }
  if (req.path.endsWith('.data')) {
    // A client-side navigation: its answer must be Remix's own encoding, which a plain body is
    // not; the client then shows its error page, and the next full load gets the page below.
    res.type('text/plain').send('Service Unavailable');
    return;
  }
  res.setHeader('Content-Security-Policy', UNAVAILABLE_CSP);
  res.type('html').send(unavailablePage(localeOf(req)));
}
