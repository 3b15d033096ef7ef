import type { LoaderFunctionArgs } from '@remix-run/node';
import { previewTemplate, requireDevelopment } from '../modules/mail/dev.server';

/**
 * An email is full of style attributes by nature (mail clients drop stylesheets), which the app's
 * policy refuses; this document gets its own instead, which replaces the app's
 * (app/server/remix-handler.ts): inline styles, images, and nothing else. No script runs
 * (default-src 'none', no script-src), no form posts, no frame holds it, and `sandbox` puts it in an
 * opaque origin: it cannot reach the app's cookies or pages as itself. Its links open new tabs, as
 * in a mail client, outside the sandbox. Served in development only (requireDevelopment); the same
 * policy as dev.mail.$id_.html.ts (route modules export only Remix exports).
 */
const EMAIL_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src https: http: data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  'sandbox allow-popups allow-popups-to-escape-sandbox',
].join('; ');

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
  if (!rendered) throw new Response('Not Found', { status: 404 });
  if (url.searchParams.get('format') === 'text') {
    return new Response(`Subject: ${rendered.subject}\n\n${rendered.text}`, {
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
  return new Response(rendered.html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': EMAIL_CSP,
      'Cache-Control': 'no-store',
    },
  });
}
