import type { LoaderFunctionArgs } from '@remix-run/node';
import { EMAIL_DOCUMENT_CSP, previewTemplate, requireDevelopment } from '~/modules/mail/index.server';
import { notFound } from '~/utils/http.server';

/**
 * A template rendered with its preview props: /dev/mail/preview/final_notice?locale=en&kind=business,
 * `&format=text` for the plain-text part. Stands in for `email dev`, whose preview server
 * cannot be installed for this react-email version.
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  requireDevelopment();
  const url = new URL(request.url);
  const rendered = await previewTemplate(params.template, {
    locale: url.searchParams.get('locale'),
    kind: url.searchParams.get('kind'),
  });
  if (!rendered) notFound('Not Found');
  if (url.searchParams.get('format') === 'text') {
    return new Response(`Subject: ${rendered.subject}\n\n${rendered.text}`, {
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return new Response(rendered.html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      // The email's own policy, which replaces the app's (see EMAIL_DOCUMENT_CSP).
      'Content-Security-Policy': EMAIL_DOCUMENT_CSP,
      'Cache-Control': 'no-store',
    },
  });
}
