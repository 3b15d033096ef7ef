import type { ActionFunctionArgs } from '@remix-run/node';
import { receiveResendWebhook } from '~/modules/mail/index.server';

export async function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}

/** Resend delivery events. The raw body is read first: the svix signature covers it byte for byte. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') {
    return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  }
  const payload = await request.text();
  const outcome = await receiveResendWebhook(payload, {
    id: request.headers.get('svix-id'),
    timestamp: request.headers.get('svix-timestamp'),
    signature: request.headers.get('svix-signature'),
  });
  return Response.json(outcome.body, { status: outcome.status, headers: { 'Cache-Control': 'no-store' } });
}
