import type { ActionFunctionArgs } from '@remix-run/node';
import { handleDemoWebhook } from '~/modules/payments/index.server';

/** The demo provider's webhook (HMAC-signed; answers 404 in production, where the demo does not exist). */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  const outcome = await handleDemoWebhook(request);
  return new Response(outcome.body, {
    status: outcome.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
