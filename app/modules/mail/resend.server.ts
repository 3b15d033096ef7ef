import { Resend } from 'resend';
import { parseRetryAfter } from './address';

export type OutgoingEmail = {
  /** The communication id: Resend's idempotency key and a tag the webhook can match on. */
  id: string;
  template: string;
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
};

export type DeliveryResult =
  | { ok: true; providerMessageId: string }
  | { ok: false; retryable: boolean; statusCode: number | null; code: string; message: string; retryAfterMs?: number };

const clients = new Map<string, Resend>();

function client(apiKey: string): Resend {
  let resend = clients.get(apiKey);
  if (!resend) {
    resend = new Resend(apiKey);
    clients.set(apiKey, resend);
  }
  return resend;
}

/**
 * Resend error names that say "try again later" even though they are 4xx: rate and quota
 * limits, and a concurrent request with the same idempotency key still in flight.
 */
const RETRYABLE_NAMES = new Set([
  'rate_limit_exceeded',
  'daily_quota_exceeded',
  'monthly_quota_exceeded',
  'concurrent_idempotent_requests',
  'application_error',
  'internal_server_error',
]);

/** Sends one email through Resend. Never throws for an API answer: `resend` reports errors as values. */
export async function deliverViaResend(apiKey: string, email: OutgoingEmail): Promise<DeliveryResult> {
  const { data, error, headers } = await client(apiKey).emails.send(
    {
      from: email.from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      tags: [
        { name: 'communication_id', value: email.id },
        { name: 'template', value: email.template },
      ],
    },
    { idempotencyKey: email.id },
  );
  if (data) return { ok: true, providerMessageId: data.id };
  const statusCode = error?.statusCode ?? null;
  const code = error?.name ?? 'application_error';
  // No status: the request never got an answer (network). 5xx and 429: the service says later.
  const retryable =
    statusCode === null || statusCode >= 500 || statusCode === 429 || (statusCode === 409 && RETRYABLE_NAMES.has(code));
  return {
    ok: false,
    retryable,
    statusCode,
    code,
    message: error?.message ?? 'unknown error',
    retryAfterMs: parseRetryAfter(headers?.['retry-after']),
  };
}
