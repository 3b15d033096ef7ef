import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import express from 'express';
import { discardPool, onPoolConnectionClosed, probeDatabase } from '~/utils/db.server';
import type { Env } from '~/utils/env.server';
import { CLIENT_IP_HEADER } from '~/utils/rate-limit.server';
import { bodyLimit, sendPlainError } from './body-limit';
import { createDbHealth, type DbHealth } from './db-health';
import { remixHandler, unavailableWhileDbDown } from './remix-handler';
import { requestGate } from './request-gate';

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
        // No 'unsafe-inline': style attributes are refused; the one inline <style>, a creditor's
        // validated brand colour (app/ui/brand-colors.tsx), carries the nonce.
        `style-src 'self' 'nonce-${nonce}'`,
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

export async function loadBuild(root = process.cwd()): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.join(root, '.build/index.js')).href)) as ServerBuild;
}

/** Tracks the database for this process: probes while it is down, drops the pool when it goes. */
export function startDbHealth(env: Pick<Env, 'DB_CONNECT_TIMEOUT_MS'>): DbHealth {
  const health = createDbHealth({
    probe: () => probeDatabase(env.DB_CONNECT_TIMEOUT_MS + 500),
    probeTimeoutMs: env.DB_CONNECT_TIMEOUT_MS + 1_000,
    onDown: discardPool,
  });
  // A connection of the pool that closes (a server gone, or one that refused) is worth a probe.
  onPoolConnectionClosed(() => void health.check());
  health.start();
  return health;
}

export function createApp(build: ServerBuild, env: Env, root = process.cwd(), health = startDbHealth(env)) {
  const app = express();
  app.disable('x-powered-by');
  // Only as many proxy hops as the operator says are in front: X-Forwarded-* from anyone else is a client's word.
  app.set('trust proxy', env.TRUSTED_PROXIES > 0 ? env.TRUSTED_PROXIES : false);
  app.use(securityHeaders(env));
  app.use(rejectMalformedPath);
  app.use(bodyLimit());
  // The only CSRF check (see request-gate.ts): after the body limit, so a refused body is still
  // bounded and read off there; before static files and Remix, so nothing behind it runs for a forgery.
  app.use(requestGate(env));
  app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }));
  // Only paths that name a file (favicon.svg, robots.txt) touch the disk; pages go straight to Remix.
  const publicFiles = express.static(path.join(root, 'public'), { maxAge: '1h', index: false });
  app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()));
  app.use(unavailableWhileDbDown(health));
  app.all('*', remixHandler(build, env.NODE_ENV, health));
  app.use(finalErrorHandler);
  return app;
}

/** A path with a broken %-escape names no page: 400 before anything tries to decode it (JSON on /api). */
export const rejectMalformedPath: express.RequestHandler = (req, res, next) => {
  try {
    decodeURIComponent(req.path);
  } catch {
    sendPlainError(req, res, 400, {
      code: 'malformed_url',
      message: 'The URL path contains an invalid %-escape.',
      text: '400 - Dit adres klopt niet (een ongeldige %-code).\nThis address is malformed (an invalid %-escape).',
    });
    return;
  }
  next();
};

/**
 * The last handler, in place of Express's own, which prints the stack in development: logs the
 * error and answers a plain 500 (JSON on /api) without details, or the 4xx an HTTP-level error
 * carries. A 413 from the body limit has been answered already; what follows it is dropped.
 */
export const finalErrorHandler: express.ErrorRequestHandler = (error: unknown, req, res, _next) => {
  if (res.locals.bodyLimitExceeded) return;
  const status = (error as { status?: unknown } | null)?.status;
  const clientError = typeof status === 'number' && status >= 400 && status < 500;
  if (!clientError) console.error('http: unhandled error', req.method, req.path, error);
  if (res.headersSent) {
    // A response cut off halfway must not look complete to the client.
    if (!res.writableEnded) res.destroy();
    return;
  }
  sendPlainError(req, res, clientError ? status : 500, {
    code: clientError ? 'bad_request' : 'internal_error',
    message: clientError ? 'The request could not be understood.' : 'Something went wrong on our side.',
    text: clientError
      ? `${status} - Dit verzoek kunnen we niet verwerken.\nThis request could not be processed.`
      : '500 - Er ging iets mis bij ons. Probeer het later nog eens.\nSomething went wrong on our side. Please try again later.',
  });
};
