import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext, HandleErrorFunction } from '@remix-run/node';
import { isRouteErrorResponse, RemixServer } from '@remix-run/react';
import { renderToPipeableStream } from 'react-dom/server';
import { unreadableBody } from './server/body-limit';
import { isConnectionError } from './server/db-health';
import { NonceProvider } from './utils/nonce';

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

/**
 * Hands the error to the HTTP server (app/server/remix-handler.ts), which answers 503 instead of
 * 500 when the database could not be reached (400 or 415 when the body was not a readable form),
 * and logs it as Remix would: a lost database or a broken body in one line rather than a stack per request.
 */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  context.errors?.push(error);
  // A body cut off by the body-limit layer (app/server/body-limit.ts) was answered 413 already.
  if (request.signal.aborted || bodyWasRefused(error)) return;
  // A body that is not a readable form is answered 400/415 by the HTTP server: a client's error, one line.
  const unreadable = unreadableBody([error]);
  if (unreadable) {
    console.warn(`${request.method} ${new URL(request.url).pathname}: ${unreadable.status} ${unreadable.code}`);
    return;
  }
  if (isConnectionError(error)) {
    console.error(`${request.method} ${new URL(request.url).pathname}: database unreachable (${describe(error)})`);
    return;
  }
  console.error(
    isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error,
  );
};

function bodyWasRefused(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e.name === 'BodyTooLargeError') return true;
  return false;
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error
    ? `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}`
    : String(cause);
}

/**
 * Renders the whole document before answering. No page suspends (loaders return their data
 * whole), so streaming would only split a small page into many socket writes.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = typeof loadContext.nonce === 'string' ? loadContext.nonce : '';
  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          const chunks: Buffer[] = [];
          const sink = new PassThrough();
          sink.on('data', (chunk: Buffer) => chunks.push(chunk));
          sink.on('end', () => {
            responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
            resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
          });
          pipe(sink);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
