import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { outboxHtml, requireDevelopment } from '../modules/mail/dev.server';

/**
 * The email's HTML on its own, opened from /dev/mail/:id. Served as a document (our CSP
 * forbids framing), with a policy of its own that allows no scripts, forms or frames.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  requireDevelopment();
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new Response('Not Found', { status: 404 });
  const html = await outboxHtml(id.data);
  if (html === null) throw new Response('Not Found', { status: 404 });
  return new Response(html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'Cache-Control': 'no-store',
      'X-Robots-Tag': 'noindex',
    },
  });
}
