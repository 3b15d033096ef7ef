import type { ActionFunctionArgs } from '@remix-run/node';
import { handleMollieWebhook } from '~/modules/payments/index.server';

/** Mollie's classic webhook: a form post with only `id`; the payment is fetched from Mollie. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
  const outcome = await handleMollieWebhook(request);
  return new Response(outcome.body, {
    status: outcome.status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

export function loader() {
  return new Response('Method Not Allowed', { status: 405, headers: { Allow: 'POST' } });
}
