/**
 * An invoice as a PDF, drawn from the invoice's own data when the creditor sent no PDF: the
 * creditor's branding and details, the debtor, the lines with VAT per rate and the totals, what
 * is still owed and how to pay it (the payment reference and the EPC QR code of the transfer page,
 * from the same payload). Pure: no database, no clock; the same input gives the same bytes.
 */
import type { Invoice, InvoiceLine } from '~db/schema';
import { epcQrModules, transferPayloadFor } from '~/modules/payments/index.server';
import { formatIban, isValidIban } from '~/modules/payments/index';
import { owedCents } from '~/modules/ledger/index';
import { formatDate, localeTags, translate, type Locale, type MessageKey, type Params } from '~/utils/i18n';
import { formatMoney } from '~/utils/money';
import {
  amountLine,
  type Column,
  drawQr,
  ensureSpace,
  FONT,
  FONT_BOLD,
  INK,
  MUTED,
  newPdf,
  PDF_MARGIN,
  pdfBytes,
  pdfText,
  rule,
  tableRow,
  addressLines,
  drawLetterhead,
  type PostalAddress,
} from '~/utils/pdf.server';

export type InvoicePdfCreditor = {
  name: string;
  legalName: string;
  kvkNumber: string | null;
  vatNumber: string | null;
  iban: string | null;
  bic: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  address: PostalAddress;
  /** The logo's bytes; drawn when PNG or JPEG, left out otherwise. */
  logo: Uint8Array | null;
};

export type InvoicePdfDebtor = {
  name: string;
  contactName: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  country: string;
  vatNumber: string | null;
};

export type InvoicePdfInput = {
  locale: Locale;
  /** The moment the amounts still owed are stated for (also the document's creation date). */
  asOf: Date;
  creditor: InvoicePdfCreditor;
  debtor: InvoicePdfDebtor;
  invoice: Pick<
    Invoice,
    | 'number'
    | 'description'
    | 'issueDate'
    | 'dueDate'
    | 'currency'
    | 'totalCents'
    | 'openCents'
    | 'costsCents'
    | 'interestCents'
    | 'status'
    | 'paymentReference'
    | 'lines'
  >;
};

export type VatGroup = { ratePercent: number; baseCents: number; vatCents: number };

/**
 * VAT per rate from the lines (net amounts): each rate's VAT rounded to the cent. When the lines
 * and the invoice total differ by rounding only (a cent per line at most, as intake allows), the
 * difference goes to the rate with the largest base, so the breakdown adds up to the total printed.
 */
export function vatByRate(lines: InvoiceLine[], totalCents: number): VatGroup[] {
  const groups = new Map<number, number>();
  for (const line of lines) groups.set(line.vatRatePercent, (groups.get(line.vatRatePercent) ?? 0) + line.amountCents);
  const result = [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ratePercent, baseCents]) => ({
      ratePercent,
      baseCents,
      vatCents: Math.round((baseCents * ratePercent) / 100),
    }));
  const net = lines.reduce((sum, line) => sum + line.amountCents, 0);
  const difference = totalCents - net - result.reduce((sum, g) => sum + g.vatCents, 0);
  if (difference !== 0 && Math.abs(difference) <= lines.length && result.length > 0) {
    const largest = result.reduce((a, b) => (Math.abs(b.baseCents) > Math.abs(a.baseCents) ? b : a));
    largest.vatCents += difference;
  }
  return result;
}

const COLUMNS: Column[] = [
  { width: 235 },
  { width: 55, align: 'right' },
  { width: 80, align: 'right' },
  { width: 45, align: 'right' },
  { width: 80, align: 'right' },
];

function numberText(value: number, locale: Locale) {
  return new Intl.NumberFormat(localeTags[locale], { maximumFractionDigits: 4 }).format(value);
}

/** The invoice as PDF bytes (compressed unless `compress: false`, which tests use to read the text). */
export async function renderInvoicePdf(input: InvoicePdfInput, { compress = true }: { compress?: boolean } = {}) {
  const { locale, asOf, creditor, debtor, invoice } = input;
  const t = (key: MessageKey, params?: Params) => translate(locale, key, params);
  const money = (cents: number) => formatMoney(cents, invoice.currency, locale);
  const doc = newPdf({
    title: t('portal.invoice.number', { number: invoice.number }),
    author: creditor.legalName,
    createdAt: asOf,
    lang: locale,
    compress,
  });
  const width = doc.page.width - PDF_MARGIN * 2;
  const right = doc.page.width - PDF_MARGIN;

  // The creditor: logo on the left, its details on the right.
  drawLetterhead(doc, creditor.logo, creditor.legalName, [
    creditor.name !== creditor.legalName ? creditor.name : null,
    ...addressLines(creditor.address, localeTags[locale]),
    creditor.email,
    creditor.phone,
    creditor.website,
    creditor.kvkNumber ? t('portal.footer.kvk', { kvk: creditor.kvkNumber }) : null,
    creditor.vatNumber ? t('pdf.creditor.vat', { vat: creditor.vatNumber }) : null,
    creditor.iban ? t('pdf.creditor.iban', { iban: formatIban(creditor.iban) }) : null,
    creditor.bic ? t('pdf.creditor.bic', { bic: creditor.bic }) : null,
  ]);

  // The debtor and the invoice's facts, side by side.
  doc.x = PDF_MARGIN;
  doc
    .font(FONT_BOLD)
    .fontSize(20)
    .text(pdfText(t('pdf.invoice.title')), PDF_MARGIN, doc.y);
  doc.moveDown(0.5);
  const blockTop = doc.y;
  const address = [
    debtor.name,
    debtor.contactName,
    ...addressLines(debtor, localeTags[locale]),
    debtor.vatNumber ? t('pdf.debtor.vat', { vat: debtor.vatNumber }) : null,
  ].filter((line): line is string => Boolean(line));
  doc
    .font(FONT)
    .fontSize(9)
    .fillColor(MUTED)
    .text(pdfText(t('pdf.invoice.to')), PDF_MARGIN, blockTop, { width: 240 });
  doc
    .fillColor(INK)
    .fontSize(10)
    .text(pdfText(address.join('\n')), { width: 240 });
  const addressBottom = doc.y;
  const facts: [string, string][] = [
    [t('pdf.invoice.number'), invoice.number],
    [t('portal.invoice.issued'), formatDate(invoice.issueDate, locale)],
    [t('portal.invoice.due'), formatDate(invoice.dueDate, locale)],
    ...(invoice.paymentReference
      ? [[t('portal.invoice.reference'), invoice.paymentReference.replace(/\s+/g, '')] as [string, string]]
      : []),
  ];
  let factY = blockTop;
  for (const [label, value] of facts) {
    doc
      .font(FONT)
      .fontSize(9)
      .fillColor(MUTED)
      .text(pdfText(label), right - 250, factY, { width: 110 });
    doc
      .font(FONT_BOLD)
      .fontSize(10)
      .fillColor(INK)
      .text(pdfText(value), right - 140, factY, { width: 140, align: 'right' });
    factY = doc.y + 3;
  }
  doc.x = PDF_MARGIN;
  doc.y = Math.max(addressBottom, factY) + 16;
  doc.font(FONT);
  if (invoice.description) {
    doc.fontSize(10).text(pdfText(invoice.description), PDF_MARGIN, doc.y, { width });
    doc.moveDown(0.8);
  }

  // The lines, VAT per rate and the totals.
  const lines = invoice.lines ?? [];
  doc.fillColor(MUTED);
  tableRow(doc, COLUMNS, [
    t('portal.invoice.line.description'),
    t('portal.invoice.line.quantity'),
    t('portal.invoice.line.price'),
    t('portal.invoice.line.vat'),
    t('portal.invoice.line.amount'),
  ]);
  doc.fillColor(INK);
  rule(doc, 4);
  if (lines.length === 0) {
    tableRow(doc, COLUMNS, [
      invoice.description ?? t('portal.invoice.number', { number: invoice.number }),
      '',
      '',
      '',
      money(invoice.totalCents),
    ]);
  }
  for (const line of lines) {
    tableRow(doc, COLUMNS, [
      line.description,
      numberText(line.quantity, locale),
      money(line.unitPriceCents),
      `${numberText(line.vatRatePercent, locale)}%`,
      money(line.amountCents),
    ]);
  }
  rule(doc, 8);
  if (lines.length > 0) {
    const net = lines.reduce((sum, line) => sum + line.amountCents, 0);
    amountLine(doc, t('portal.invoice.subtotal'), money(net));
    for (const group of vatByRate(lines, invoice.totalCents)) {
      amountLine(
        doc,
        t('pdf.invoice.vatLine', { rate: numberText(group.ratePercent, locale), base: money(group.baseCents) }),
        money(group.vatCents),
      );
    }
  }
  amountLine(doc, t('pdf.invoice.total'), money(invoice.totalCents), { bold: true });
  doc.moveDown(1);

  // Where the invoice stands, and how to pay what is left.
  const owed = owedCents(invoice);
  ensureSpace(doc, 80);
  if (invoice.status !== 'open' || owed <= 0) {
    doc
      .font(FONT_BOLD)
      .fontSize(11)
      .text(
        pdfText(t(`pdf.invoice.settled.${invoice.status === 'open' ? 'paid' : invoice.status}`)),
        PDF_MARGIN,
        doc.y,
        { width },
      );
    doc.font(FONT);
  } else {
    const settledPrincipal = invoice.totalCents - invoice.openCents;
    if (settledPrincipal > 0) amountLine(doc, t('pdf.invoice.settledSoFar'), `- ${money(settledPrincipal)}`);
    if (invoice.costsCents > 0) amountLine(doc, t('portal.invoice.costs'), money(invoice.costsCents));
    if (invoice.interestCents > 0) amountLine(doc, t('portal.invoice.interest'), money(invoice.interestCents));
    amountLine(doc, t('pdf.invoice.owedOn', { date: formatDate(asOf, locale) }), money(owed), { bold: true });
    doc.moveDown(1);
    drawTransfer(doc, input, owed, t, money);
  }

  doc.moveDown(2);
  ensureSpace(doc, 30);
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor(MUTED)
    .text(
      pdfText(t('pdf.invoice.generated', { organization: creditor.name, date: formatDate(asOf, locale) })),
      PDF_MARGIN,
      doc.y,
      {
        width,
      },
    );
  return pdfBytes(doc);
}

/** The transfer instruction and its EPC QR code, when the creditor has a valid IBAN and the amount is in euro. */
function drawTransfer(
  doc: PDFKit.PDFDocument,
  { creditor, invoice }: InvoicePdfInput,
  owed: number,
  t: (key: MessageKey, params?: Params) => string,
  money: (cents: number) => string,
) {
  if (!creditor.iban || !isValidIban(creditor.iban) || invoice.currency !== 'EUR') return;
  let transfer: ReturnType<typeof transferPayloadFor> | null;
  try {
    transfer = transferPayloadFor(
      { iban: creditor.iban, bic: creditor.bic, legalName: creditor.legalName },
      invoice,
      owed,
    );
  } catch {
    transfer = null;
  }
  if (!transfer) return;
  const qrSize = 120;
  ensureSpace(doc, qrSize + 30);
  const width = doc.page.width - PDF_MARGIN * 2 - qrSize - 20;
  const top = doc.y;
  doc
    .font(FONT_BOLD)
    .fontSize(12)
    .fillColor(INK)
    .text(pdfText(t('pdf.invoice.howToPay')), PDF_MARGIN, top, { width });
  doc.moveDown(0.3);
  doc
    .font(FONT)
    .fontSize(10)
    .text(
      pdfText(
        t(transfer.structured ? 'pdf.invoice.transfer' : 'pdf.invoice.transferText', {
          amount: money(owed),
          iban: formatIban(creditor.iban),
          beneficiary: creditor.legalName.slice(0, 70),
          reference: transfer.reference,
        }),
      ),
      { width },
    );
  doc.moveDown(0.5);
  doc
    .fontSize(9)
    .fillColor(MUTED)
    .text(pdfText(t('pay.transfer.qrHint')), { width });
  doc.fillColor(INK);
  const textBottom = doc.y;
  drawQr(doc, epcQrModules(transfer.payload), { x: doc.page.width - PDF_MARGIN - qrSize, y: top, size: qrSize });
  doc.x = PDF_MARGIN;
  doc.y = Math.max(textBottom, top + qrSize);
}
