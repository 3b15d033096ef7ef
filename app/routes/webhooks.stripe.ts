import type { ActionFunctionArgs } from '@remix-run/node';
import { handleStripeWebhook } from '~/modules/payments/index.server';

/** Stripe's webhook: the raw body is read first (the signature covers it byte for byte). */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  const outcome = await handleStripeWebhook(request);
  return new Response(outcome.body, {
    status: outcome.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
