import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import type { Env } from '../utils/env.server';
import { CLIENT_IP_HEADER } from '../utils/rate-limit.server';

/** Content-Security-Policy and friends, with a fresh nonce per request for Remix's inline scripts. */
export function securityHeaders(env: Pick<Env, 'NODE_ENV'>): express.RequestHandler {
  const checkoutHosts = 'https://checkout.stripe.com https://www.mollie.com https://*.mollie.com';
  return (req, res, next) => {
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const nonce = randomBytes(16).toString('base64');
    res.locals.nonce = nonce;
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        `form-action 'self' ${checkoutHosts}`,
        "frame-ancestors 'none'",
      ].join('; '),
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    // Portal pages hold financial data behind a bearer-like link: never cached, never leaked in a Referer.
    if (/^\/(portal|l|link-help)(\/|$)/.test(req.path)) {
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-store');
    }
    if (env.NODE_ENV === 'production') {
      res.setHeader('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    }
    next();
  };
}

/**
 * Portal pages send `Referrer-Policy: no-referrer`, so browsers post their forms with
 * `Origin: null`, which Remix's CSRF check takes for a foreign origin. The browser's
 * Sec-Fetch-Site header, which does not depend on the referrer policy, still tells a
 * same-origin post apart: only then is the null Origin dropped. Cross-site posts keep it and
 * are refused as before (and carry no session cookie anyway: SameSite=Lax).
 */
export const sameOriginNullOrigin: express.RequestHandler = (req, _res, next) => {
  if (req.method !== 'GET' && req.headers.origin === 'null' && req.headers['sec-fetch-site'] === 'same-origin') {
    delete req.headers.origin;
  }
  next();
};

export async function loadBuild(root = process.cwd()): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.join(root, '.build/index.js')).href)) as ServerBuild;
}

export function createApp(build: ServerBuild, env: Env, root = process.cwd()) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', env.NODE_ENV === 'production' ? 1 : false);
  app.use(securityHeaders(env));
  app.use(sameOriginNullOrigin);
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  // Only paths that name a file (favicon.svg, robots.txt) touch the disk; pages go straight to Remix.
  const publicFiles = express.static(path.join(root, 'public'), { maxAge: '1h', index: false });
  app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()));
  app.all(
    '*',
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (_req, res) => ({ nonce: res.locals.nonce as string }),
    }),
  );
  return app;
}
