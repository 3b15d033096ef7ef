/**
 * Reading the outbox for the development-only /dev/mail pages. Not tenant-scoped on purpose:
 * these pages exist only outside production (see requireDevelopment).
 */
import { desc, eq } from 'drizzle-orm';
import { communications, organizations } from '../../../db/schema';
import { isTemplateName, previewProps, renderEmail, TEMPLATE_NAMES } from '../../../emails/render';
import { getDb } from '../../utils/db.server';
import { getEnv } from '../../utils/env.server';

/** Throws a 404 in production: the outbox pages show every organisation's mail. */
export function requireDevelopment() {
  if (getEnv().NODE_ENV === 'production') throw new Response('Not Found', { status: 404 });
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
