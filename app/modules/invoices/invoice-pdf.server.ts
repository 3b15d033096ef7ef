/**
 * The PDF of an invoice, for whoever may read it: the creditor's own PDF when one was sent (as
 * stored), else one drawn from the invoice data (renderInvoicePdf; not stored, drawn again on
 * each request from the data as it stands). Scoped by organisation, and by debtor for the portal.
 */
import { and, eq } from 'drizzle-orm';
import { debtors, files, invoices, organizations } from '~db/schema';
import { systemClock, type Clock } from '~/utils/clock';
import { getDb } from '~/utils/db.server';
import { isLocale, type Locale } from '~/utils/i18n';
import { isUuid } from '~/utils/ids';
import { debtorScope, orgScope, type DebtorRef } from '~/utils/org-scope.server';
import { pdfFilename } from '~/utils/pdf.server';
import { renderInvoicePdf } from './render-pdf.server';

/** Whose invoices: an organisation's (staff, the API) or one debtor's in it (the portal). */
export type InvoicePdfScope = { organizationId: string; debtorId?: string };

export type InvoicePdf = {
  number: string;
  filename: string;
  bytes: Uint8Array;
  /** Drawn from the invoice data (the creditor sent no PDF). */
  generated: boolean;
};

/**
 * The invoice's PDF by id or number, or null when there is no such invoice in the scope (another
 * organisation's or debtor's, or an id of another shape). `clock` dates what is still owed; the
 * PDF is in `locale`, or without one (the API) in the debtor's own language.
 */
export async function getInvoicePdf(
  scope: InvoicePdfScope,
  find: { id: string } | { number: string },
  { locale, clock = systemClock, compress = true }: { locale?: Locale; clock?: Clock; compress?: boolean } = {},
): Promise<InvoicePdf | null> {
  if ('id' in find && !isUuid(find.id)) return null;
  const db = getDb();
  const [row] = await db
    .select({ invoice: invoices, debtor: debtors })
    .from(invoices)
    .innerJoin(debtors, and(eq(debtors.id, invoices.debtorId), eq(debtors.organizationId, invoices.organizationId)))
    .where(
      and(
        scope.debtorId ? debtorScope(invoices, scope as DebtorRef) : orgScope(invoices, scope),
        'id' in find ? eq(invoices.id, find.id) : eq(invoices.number, find.number),
      ),
    );
  if (!row) return null;
  const { invoice, debtor } = row;
  const filename = pdfFilename(invoice.number);
  if (invoice.pdfFileId) {
    const [stored] = await db
      .select({ data: files.data })
      .from(files)
      .where(and(eq(files.id, invoice.pdfFileId), orgScope(files, invoice)));
    if (stored) return { number: invoice.number, filename, bytes: new Uint8Array(stored.data), generated: false };
  }
  const [org] = await db.select().from(organizations).where(eq(organizations.id, invoice.organizationId));
  const [logo] = org.logoFileId
    ? await db
        .select({ data: files.data })
        .from(files)
        .where(and(eq(files.id, org.logoFileId), orgScope(files, org.id)))
    : [];
  const bytes = await renderInvoicePdf(
    {
      locale: locale ?? (isLocale(debtor.locale) ? debtor.locale : 'nl'),
      asOf: clock.now(),
      creditor: {
        name: org.name,
        legalName: org.legalName,
        kvkNumber: org.kvkNumber,
        vatNumber: org.vatNumber,
        iban: org.iban,
        bic: org.bic,
        email: org.email,
        phone: org.phone,
        website: org.website,
        address: { addressLine: org.addressLine, postalCode: org.postalCode, city: org.city, country: org.country },
        logo: logo ? new Uint8Array(logo.data) : null,
      },
      debtor: {
        name: debtor.name,
        contactName: debtor.contactName,
        addressLine: debtor.addressLine,
        postalCode: debtor.postalCode,
        city: debtor.city,
        country: debtor.country,
        vatNumber: debtor.vatNumber,
      },
      invoice,
    },
    { compress },
  );
  return { number: invoice.number, filename, bytes, generated: true };
}
