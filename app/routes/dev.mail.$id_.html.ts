import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { EMAIL_DOCUMENT_CSP, outboxHtml, requireDevelopment } from '~/modules/mail/index.server';
import { notFound } from '~/utils/http.server';

/** The email's HTML on its own, opened from /dev/mail/:id in a new tab. */
export async function loader({ params }: LoaderFunctionArgs) {
  requireDevelopment();
  const id = z.uuid().safeParse(params.id);
  if (!id.success) notFound('Not Found');
  const html = await outboxHtml(id.data);
  if (html === null) notFound('Not Found');
  return new Response(html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      // The email's own policy, which replaces the app's (see EMAIL_DOCUMENT_CSP).
      'Content-Security-Policy': EMAIL_DOCUMENT_CSP,
      'Cache-Control': 'no-store',
      'X-Robots-Tag': 'noindex',
    },
  });
}
