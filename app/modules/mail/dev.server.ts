/**
 * Reading the outbox for the development-only /dev/mail pages. Not tenant-scoped on purpose:
 * these pages exist only outside production (see requireDevelopment).
 */
import { desc, eq } from 'drizzle-orm';
import { communications, organizations } from '~db/schema';
import { isTemplateName, previewProps, renderEmail, TEMPLATE_NAMES } from '~emails/render';
import { getDb } from '~/utils/db.server';
import { getEnv } from '~/utils/env.server';
import { notFound } from '~/utils/http.server';

/** Throws a 404 in production: the outbox pages show every organisation's mail. */
/**
 * The policy of an email shown on its own in the dev mail viewer. An email is full of style
 * attributes by nature (mail clients drop stylesheets), which the app's policy refuses; this
 * document gets its own instead, which replaces the app's (app/server/remix-handler.ts): inline
 * styles, images, and nothing else. No script runs (default-src 'none', no script-src), no form
 * posts, no frame holds it, and `sandbox` puts it in an opaque origin: it cannot reach the app's
 * cookies or pages as itself. Its links open new tabs, as in a mail client, outside the sandbox.
 * Served in development only (requireDevelopment).
 */
export const EMAIL_DOCUMENT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src https: http: data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  'sandbox allow-popups allow-popups-to-escape-sandbox',
].join('; ');

export function requireDevelopment() {
  if (getEnv().NODE_ENV === 'production') notFound('Not Found');
}

export async function listOutbox(limit = 50) {
  return getDb()
    .select({
      id: communications.id,
      toAddress: communications.toAddress,
      subject: communications.subject,
      template: communications.template,
      status: communications.status,
      createdAt: communications.createdAt,
      sentAt: communications.sentAt,
      organization: organizations.name,
    })
    .from(communications)
    .innerJoin(organizations, eq(organizations.id, communications.organizationId))
    .orderBy(desc(communications.createdAt), desc(communications.id))
    .limit(limit);
}

export async function getOutboxMessage(id: string) {
  const [row] = await getDb()
    .select({ comm: communications, organization: organizations.name })
    .from(communications)
    .innerJoin(organizations, eq(organizations.id, communications.organizationId))
    .where(eq(communications.id, id));
  return row;
}

/** The stored HTML, or for a message not rendered yet, a render of its props as they stand. */
export async function outboxHtml(id: string): Promise<string | null> {
  const row = await getOutboxMessage(id);
  if (!row) return null;
  if (row.comm.html) return row.comm.html;
  if (!isTemplateName(row.comm.template)) return null;
  const rendered = await renderEmail(row.comm.template, { ...row.comm.props, locale: row.comm.locale } as never);
  return rendered.html;
}

/** The absolute http(s) links of an email's HTML, in order, without repeats. */
export function linksIn(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/href="(https?:\/\/[^"]+)"/g)) {
    found.add(match[1].replace(/&amp;/g, '&'));
  }
  return [...found];
}

export const PREVIEW_TEMPLATES = TEMPLATE_NAMES;

/** A template rendered with its preview props, in the given language (and debtor kind). */
export async function previewTemplate(
  template: string | undefined,
  options: { locale?: string | null; kind?: string | null } = {},
) {
  if (!isTemplateName(template)) return null;
  const props = { ...previewProps(template), locale: options.locale === 'en' ? 'en' : 'nl' } as Record<string, unknown>;
  if ((options.kind === 'business' || options.kind === 'consumer') && props.debtor) {
    props.debtor = { ...(props.debtor as object), kind: options.kind };
  }
  return renderEmail(template, props as never);
}
