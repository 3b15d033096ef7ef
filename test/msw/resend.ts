/**
 * Resend's HTTP API for tests (msw 2), answering with Resend's documented shapes:
 * POST /emails -> 200 {"id": "..."}; errors {"statusCode", "name", "message"}.
 * Also signs webhook payloads the way Resend (svix) does.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

export const RESEND_EMAILS_URL = 'https://api.resend.com/emails';

export type CapturedEmailRequest = { headers: Headers; body: Record<string, unknown> };

type Reply = () => Response;

export const resendReplies = {
  ok:
    (id: string = randomUUID()): Reply =>
    () =>
      HttpResponse.json({ id }),
  rateLimited:
    (retryAfterSeconds: number): Reply =>
    () =>
      HttpResponse.json(
        {
          statusCode: 429,
          name: 'rate_limit_exceeded',
          message:
            'Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.',
        },
        { status: 429, headers: { 'retry-after': String(retryAfterSeconds), 'ratelimit-limit': '2' } },
      ),
  serverError: (): Reply => () =>
    HttpResponse.json(
      { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' },
      { status: 500 },
    ),
  validationError:
    (
      message = 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.',
    ): Reply =>
    () =>
      HttpResponse.json({ statusCode: 422, name: 'validation_error', message }, { status: 422 }),
};

/**
 * An msw server for Resend. Replies are taken in order from `reply(...)`; when none is
 * queued, the request succeeds with a fresh id. Every request is captured.
 */
export function mockResend() {
  const requests: CapturedEmailRequest[] = [];
  const queued: Reply[] = [];
  const server = setupServer(
    http.post(RESEND_EMAILS_URL, async ({ request }) => {
      requests.push({ headers: request.headers, body: (await request.json()) as Record<string, unknown> });
      const next = queued.shift();
      return next ? next() : resendReplies.ok()();
    }),
  );
  return {
    server,
    requests,
    reply(...replies: Reply[]) {
      queued.push(...replies);
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
    },
  };
}

export const TEST_WEBHOOK_SECRET = `whsec_${Buffer.from('voldaan-test-webhook-secret-32by').toString('base64')}`;

/**
 * svix signature headers for a payload: HMAC-SHA256 over `${id}.${timestamp}.${payload}`, keyed
 * with the base64 part of the whsec_ secret, sent as `v1,<base64 signature>`.
 */
export function signWebhook(
  payload: string,
  { secret = TEST_WEBHOOK_SECRET, id = `msg_${randomUUID()}`, timestamp = Math.floor(Date.now() / 1000) } = {},
) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64');
  return { 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': `v1,${signature}` };
}

/** A Resend webhook event body as Resend posts it. */
export function resendEvent(
  type: string,
  emailId: string,
  extra: Record<string, unknown> = {},
  createdAt = new Date().toISOString(),
) {
  return JSON.stringify({
    type,
    created_at: createdAt,
    data: {
      created_at: createdAt,
      email_id: emailId,
      from: 'Voldaan <noreply@voldaan.local>',
      to: ['debtor@test.example'],
      subject: 'Vriendelijke herinnering',
      ...extra,
    },
  });
}
