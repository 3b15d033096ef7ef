import type { LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { outboxHtml, requireDevelopment } from '../modules/mail/dev.server';

/**
 * An email is full of style attributes by nature (mail clients drop stylesheets), which the app's
 * policy refuses; this document gets its own instead, which replaces the app's
 * (app/server/remix-handler.ts): inline styles, images, and nothing else. No script runs
 * (default-src 'none', no script-src), no form posts, no frame holds it, and `sandbox` puts it in an
 * opaque origin: it cannot reach the app's cookies or pages as itself. Its links open new tabs, as
 * in a mail client, outside the sandbox. Served in development only (requireDevelopment); the same
 * policy as dev.mail.preview.$template.ts (route modules export only Remix exports).
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

/** The email's HTML on its own, opened from /dev/mail/:id in a new tab. */
export async function loader({ params }: LoaderFunctionArgs) {
  requireDevelopment();
  const id = z.uuid().safeParse(params.id);
  if (!id.success) throw new Response('Not Found', { status: 404 });
  const html = await outboxHtml(id.data);
  if (html === null) throw new Response('Not Found', { status: 404 });
  return new Response(html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': EMAIL_CSP,
      'Cache-Control': 'no-store',
      'X-Robots-Tag': 'noindex',
    },
  });
}
