/**
 * Remix behind Express, in place of @remix-run/express's handler, so that a request that failed
 * because the database could not be reached answers 503 (page or JSON, with Retry-After) instead
 * of Remix's 500, and one whose body could not be read as a form (malformed multipart, not a form
 * type) answers 400 or 415 instead, in every route at once. Remix fixes a thrown error's status at
 * 500 before entry.server's handleError sees it, so the swap happens here, after Remix answered:
 * handleError only collects the errors into the load context (`errors`).
 */
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from '@remix-run/node';
import type express from 'express';
import { sendPlainError, unreadableBody } from './body-limit';
import { isConnectionError, isStatementTimeout, type DbHealth } from './db-health';
import { sendUnavailable } from './unavailable';

/** While the database is known to be down, everything but /healthz answers 503 at once. */
export function unavailableWhileDbDown(health: Pick<DbHealth, 'isDown'>): express.RequestHandler {
  return (req, res, next) => {
    if (!health.isDown() || req.path === '/healthz') return next();
    sendUnavailable(req, res);
  };
}

/**
 * Whether a 500 came from the database being unreachable: an error Remix saw says so, or, for an
 * error a route caught and answered itself (the API answers its own JSON 500), a probe does.
 */
async function failedForDatabase(errors: unknown[], health: Pick<DbHealth, 'report' | 'check'>) {
  let seen = false;
  for (const error of errors) {
    if (isConnectionError(error) || isStatementTimeout(error)) {
      health.report(error);
      seen = true;
    }
  }
  return seen || !(await health.check());
}

/** A DNS name or a bracketed IPv6 literal: what a URL's host may hold without changing its meaning. */
const HOSTNAME = /^(?:[a-z0-9_][a-z0-9_-]{0,62}(?:\.[a-z0-9_-]{1,63})*\.?|\[[0-9a-f:.]{2,45}\])$/i;

/**
 * The URL Remix sees, or undefined when the Host header (or a trusted proxy's X-Forwarded-Host or
 * -Proto) cannot be part of one: a space, a slash or an `@` would move the path or the origin, a
 * bracket or a port past 65535 does not parse at all. The caller answers 400 then.
 */
function requestUrl(req: express.Request): URL | undefined {
  // As @remix-run/express does: req.protocol and req.hostname follow 'trust proxy' (TRUSTED_PROXIES);
  // the port comes from X-Forwarded-Host only when the peer is such a proxy, else from Host.
  const portOf = (host: string | undefined) => Number.parseInt(host?.split(':')[1] ?? '', 10);
  const trustPeer = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  const forwardedHost = trustPeer(req.socket.remoteAddress, 0) ? req.get('X-Forwarded-Host') : undefined;
  const port = [portOf(forwardedHost), portOf(req.get('host'))].find((p) => Number.isSafeInteger(p));
  const hostname = req.hostname as string | undefined;
  if (!hostname || hostname.length > 253 || !HOSTNAME.test(hostname)) return undefined;
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  if (req.protocol !== 'http' && req.protocol !== 'https') return undefined;
  // Only a path: an absolute-form target (`GET http://other/ HTTP/1.1`, for proxies) glued to our
  // origin would read as another host.
  if (!req.originalUrl.startsWith('/')) return undefined;
  let url: URL;
  try {
    url = new URL(`${req.protocol}://${hostname}${port ? `:${port}` : ''}${req.originalUrl}`);
  } catch {
    return undefined;
  }
  // Single fetch (`.data`) replaced Remix's `?_data=` requests, and no page of ours makes one; Remix
  // still serves them through its old path, which answers an empty 200 for a route's plain data and
  // a 500 when that data has a `status` field. Without the parameter it is the request it names.
  if (url.searchParams.has('_data')) url.searchParams.delete('_data');
  return url;
}

function remixRequest(req: express.Request, res: express.Response, url: URL): Request {
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  // Loaders and actions stop when the client goes away before the answer is written.
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = createReadableStreamFromReadable(req);
    init.duplex = 'half';
  }
  return new Request(url.href, init);
}

async function sendResponse(res: express.Response, response: Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) {
    // A route's own policy (the dev mail viewer's) replaces the app's: a second one would also apply.
    if (key === 'content-security-policy') res.setHeader(key, value);
    else res.append(key, value);
  }
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

export function remixHandler(
  build: ServerBuild,
  mode: string,
  health: Pick<DbHealth, 'report' | 'check'>,
): express.RequestHandler {
  const handle = createRequestHandler(build, mode);
  return async (req, res, next) => {
    const errors: unknown[] = [];
    const context: AppLoadContext = { nonce: res.locals.nonce as string, errors };
    const url = requestUrl(req);
    if (!url) {
      sendPlainError(req, res, 400, {
        code: 'bad_host',
        message: 'The Host header (with the request target) does not form a valid URL.',
        text: '400 - Dit verzoek noemt geen geldig adres (Host).\nThis request does not name a valid host.',
      });
      return;
    }
    try {
      const response = await handle(remixRequest(req, res, url), context);
      // Only Remix's own 500: a 503 a route answers on purpose (/healthz) stays as it is.
      if (response.status === 500) {
        // A body that is not a readable form is the client's error, whatever the route did with it.
        const unreadable = unreadableBody(errors);
        if (unreadable) {
          await response.body?.cancel().catch(() => {});
          sendPlainError(req, res, unreadable.status, unreadable);
          return;
        }
        if (await failedForDatabase(errors, health)) {
          await response.body?.cancel().catch(() => {});
          sendUnavailable(req, res);
          return;
        }
      }
      await sendResponse(res, response);
    } catch (error) {
      if (!res.headersSent && (await failedForDatabase([error], health))) {
        sendUnavailable(req, res);
        return;
      }
      next(error);
    }
  };
}
