/**
 * A 40 MB body, declared or chunked, to a webhook and to the sign-in form is answered 413 while it
 * is still arriving: the body-limit layer (app/server/body-limit.ts) checks the declared length
 * before anything reads, and counts chunked bytes as they come, so the server never holds the body.
 * Measured here: the time to the answer, how much the client had sent by then, and how much this
 * process (client and server both) grew.
 */
import { once } from 'node:events';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM_BODY_LIMIT_BYTES, WEBHOOK_BODY_LIMIT_BYTES } from '~/server/body-limit';
import { MODES, startApp, type RunningApp } from './harness';

const MB = 1024 * 1024;
const TOTAL = 40 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

type Outcome = { status: number; body: string; ms: number; sentBytes: number; rssGrowthBytes: number };

/**
 * Streams TOTAL bytes (one reused 64 KiB buffer, so the client holds nothing) and stops at the
 * server's answer.
 */
async function sendLarge(app: RunningApp, path: string, framing: 'declared' | 'chunked'): Promise<Outcome> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const started = performance.now();
  const req = http.request({
    host: '127.0.0.1',
    port: app.port,
    path,
    method: 'POST',
    agent: false,
    headers: {
      'content-type': path.startsWith('/webhooks') ? 'application/json' : 'application/x-www-form-urlencoded',
      origin: app.origin,
      'sec-fetch-site': 'same-origin',
      ...(framing === 'declared' ? { 'content-length': String(TOTAL) } : { 'transfer-encoding': 'chunked' }),
    },
  });
  req.on('error', () => {}); // the server closes a refused connection while we may still be writing
  const answered = new Promise<{ res: http.IncomingMessage; ms: number }>((resolve) =>
    req.once('response', (res) => resolve({ res, ms: performance.now() - started })),
  );
  let answer: { res: http.IncomingMessage; ms: number } | undefined;
  void answered.then((a) => (answer = a));
  const closed = once(req, 'close').catch(() => {});
  req.flushHeaders();
  let sentBytes = 0;
  while (!answer && sentBytes < TOTAL && !req.destroyed) {
    const flushed = req.write(CHUNK);
    sentBytes += CHUNK.byteLength;
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    if (!flushed) await Promise.race([once(req, 'drain').catch(() => {}), answered, closed]);
  }
  const { res, ms } = await answered;
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  await Promise.race([once(res, 'end'), once(res, 'close')]);
  req.destroy();
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  return {
    status: res.statusCode ?? 0,
    body: Buffer.concat(chunks).toString('utf8'),
    ms,
    sentBytes,
    rssGrowthBytes: rssPeak - rssBefore,
  };
}

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(mode);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const cases = [
    ['a Stripe webhook', () => `/webhooks/stripe?org=${randomUUID()}`, WEBHOOK_BODY_LIMIT_BYTES, 'json'],
    ['the sign-in form', () => '/login', FORM_BODY_LIMIT_BYTES, 'text'],
  ] as const;

  for (const [name, path, limit, answer] of cases) {
    for (const framing of ['declared', 'chunked'] as const) {
      it(`refuses a 40 MB ${framing} body to ${name} with 413 before it has arrived`, async () => {
        const outcome = await sendLarge(app, path(), framing);
        console.info(
          `${mode}: 40 MB ${framing} to ${name}: ${outcome.status} after ${outcome.ms.toFixed(0)} ms, ` +
            `${(outcome.sentBytes / MB).toFixed(2)} MB sent by then, RSS +${(outcome.rssGrowthBytes / MB).toFixed(1)} MB`,
        );
        expect(outcome.status).toBe(413);
        if (answer === 'json') expect(JSON.parse(outcome.body)).toMatchObject({ error: { code: 'payload_too_large' } });
        else expect(outcome.body).toContain('The request is too large');
        // The answer came while the body was still on its way...
        expect(outcome.sentBytes).toBeLessThan(TOTAL);
        if (framing === 'declared') expect(outcome.sentBytes).toBeLessThanOrEqual(16 * MB);
        else expect(outcome.sentBytes).toBeLessThan(limit + 16 * MB);
        // ...quickly, and without the process growing by anything like the body.
        expect(outcome.ms).toBeLessThan(5_000);
        expect(outcome.rssGrowthBytes).toBeLessThan(TOTAL / 2);
      });
    }
  }
});
