/**
 * The request-forgery (CSRF) gate: the one place that decides whether a state-changing request
 * may reach the app. Remix 2 checks the Origin only for document posts (not `?_data=` requests,
 * not resource routes such as /logout), and a check per route is one a new route can forget, so
 * every method but GET/HEAD passes here before static files and Remix, or is answered 403.
 *
 * Allowed: `Origin` equal to APP_URL's origin (outside production also its loopback aliases, so
 * the app opened as 127.0.0.1 works), or `Origin: null` with `Sec-Fetch-Site: same-origin` (portal
 * pages send `Referrer-Policy: no-referrer`, under which browsers post with `Origin: null`). Only
 * the webhooks (signed by their providers) and the Bearer-authenticated API are outside, by path.
 *
 * A request that passes loses its Origin header before Remix sees it, so Remix's own partial
 * check can never disagree with this one.
 */
import type express from 'express';
import type { Env } from '~/utils/env.server';
import { hasForbiddenControlChars } from '~/utils/limits';
import { sendPlainError } from './body-limit';

/** Paths outside the gate: nothing there reads a session cookie. */
export const GATE_EXEMPT_PREFIXES = ['/webhooks/', '/api/'] as const;

const SAFE_METHODS = new Set(['GET', 'HEAD']);
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
// The same way the Remix handler builds its URL (origin + request target), so both see one path.
const PATH_BASE = 'http://voldaan.invalid';

export type GatePolicy = { allowedOrigins: ReadonlySet<string> };

export type GateRequest = {
  method: string;
  /** The request target as received (path and query). */
  url: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
};

export type GateDecision =
  | { allow: true; reason: 'safe_method' | 'exempt_path' | 'same_origin' | 'null_origin_same_origin' }
  | { allow: false; reason: 'no_origin' | 'malformed_origin' | 'foreign_origin' | 'null_origin_not_same_origin' };

export function gatePolicy(env: Pick<Env, 'APP_URL' | 'NODE_ENV'>): GatePolicy {
  const app = new URL(env.APP_URL);
  const allowedOrigins = new Set([app.origin]);
  if (env.NODE_ENV !== 'production' && LOOPBACK_HOSTS.includes(app.hostname)) {
    for (const host of LOOPBACK_HOSTS) {
      const alias = new URL(app.href);
      alias.hostname = host;
      allowedOrigins.add(alias.origin);
    }
  }
  return { allowedOrigins };
}

/**
 * Whether the path is under an exempt prefix both as parsed and as Remix routes a single-fetch
 * `.data` request (it strips the suffix and parses again, which may resolve a trailing `..`).
 * A path whose first segment is literally `api` or `webhooks` can only match those routes: no
 * route has a dynamic first segment. An encoded one (`/ap%69/`) is not exempt: stricter, not looser.
 */
export function isExemptPath(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(PATH_BASE + url);
  } catch {
    return false;
  }
  // Exactly as @remix-run/server-runtime derives a single-fetch request's route path.
  const routed = new URL(parsed.href);
  routed.pathname = routed.pathname.replace(/\.data$/, '').replace(/^\/_root$/, '/');
  return GATE_EXEMPT_PREFIXES.some(
    (prefix) => parsed.pathname.startsWith(prefix) && routed.pathname.startsWith(prefix),
  );
}

/**
 * The origin an Origin header names, or undefined when it is not a bare origin (a path, query,
 * credentials, whitespace or control characters the parser would silently drop).
 */
function parseOrigin(value: string): string | undefined {
  if (/[\s\\]/.test(value) || hasForbiddenControlChars(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const bare = !url.username && !url.password && !url.search && !url.hash && url.pathname === '/';
  return bare && url.origin !== 'null' ? url.origin : undefined;
}

export function decide(request: GateRequest, policy: GatePolicy): GateDecision {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { allow: true, reason: 'safe_method' };
  if (isExemptPath(request.url)) return { allow: true, reason: 'exempt_path' };
  const origin = request.origin;
  if (origin === undefined) return { allow: false, reason: 'no_origin' };
  if (origin === 'null') {
    return request.secFetchSite === 'same-origin'
      ? { allow: true, reason: 'null_origin_same_origin' }
      : { allow: false, reason: 'null_origin_not_same_origin' };
  }
  const parsed = parseOrigin(origin);
  if (parsed === undefined) return { allow: false, reason: 'malformed_origin' };
  return policy.allowedOrigins.has(parsed)
    ? { allow: true, reason: 'same_origin' }
    : { allow: false, reason: 'foreign_origin' };
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

export function requestGate(env: Pick<Env, 'APP_URL' | 'NODE_ENV'>): express.RequestHandler {
  const policy = gatePolicy(env);
  // Synchronous on purpose: the body-limit layer before this one needs Remix to attach its reader in the same tick.
  return (req, res, next) => {
    const decision = decide(
      {
        method: req.method,
        url: req.originalUrl,
        origin: single(req.headers.origin),
        secFetchSite: single(req.headers['sec-fetch-site']),
      },
      policy,
    );
    if (!decision.allow) {
      // One line for the operator: an APP_URL that is not the address people use refuses every form.
      const origin = single(req.headers.origin)?.slice(0, 100) ?? '(none)';
      console.warn(`request-gate: 403 ${req.method} ${req.path.slice(0, 200)}: ${decision.reason}, Origin ${origin}`);
      sendPlainError(req, res, 403, {
        json: false,
        code: 'cross_site_request',
        message: 'This request did not come from this site and was refused.',
        text: '403 - Dit verzoek kwam niet van deze website en is geweigerd. Ga terug naar de pagina en probeer het opnieuw.\nThis request did not come from this website and was refused. Go back to the page and try again.',
      });
      return;
    }
    if (decision.reason !== 'safe_method') delete req.headers.origin;
    next();
  };
}
