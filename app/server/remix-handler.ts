/**
 * Remix behind Express, in place of @remix-run/express's handler, so that a request that failed
 * because the database could not be reached answers 503 (page or JSON, with Retry-After) instead
 * of Remix's 500. Remix fixes a thrown error's status at 500 before entry.server's handleError
 * sees it, so the swap happens here, after Remix answered: handleError only collects the errors
 * into the load context (`errors`).
 */
import {
  createReadableStreamFromReadable,
  createRequestHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from '@remix-run/node';
import type express from 'express';
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

function remixRequest(req: express.Request, res: express.Response): Request {
  // As @remix-run/express does: req.hostname follows 'trust proxy'; the port comes from
  // X-Forwarded-Host or Host.
  const portOf = (host: string | undefined) => Number.parseInt(host?.split(':')[1] ?? '', 10);
  const port = [portOf(req.get('X-Forwarded-Host')), portOf(req.get('host'))].find((p) => Number.isSafeInteger(p));
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ''}${req.originalUrl}`);
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
  for (const [key, value] of response.headers.entries()) res.append(key, value);
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
    try {
      const response = await handle(remixRequest(req, res), context);
      // Only Remix's own 500: a 503 a route answers on purpose (/healthz) stays as it is.
      if (response.status === 500 && (await failedForDatabase(errors, health))) {
        await response.body?.cancel().catch(() => {});
        sendUnavailable(req, res);
        return;
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
