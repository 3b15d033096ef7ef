/**
 * A receipt as a PDF the debtor can keep: the same facts as the receipt page (who paid whom, how
 * much, when, how, the reference, what each invoice got and what became credit). Pure: dated by the
 * booking itself, so the same receipt gives the same bytes.
 */
import { formatIban } from '~/modules/payments/index';
import {
  formatDate,
  formatDateTime,
  localeTags,
  translate,
  type Locale,
  type MessageKey,
  type Params,
} from '~/utils/i18n';
import { formatMoney } from '~/utils/money';
import {
  addressLines,
  drawLetterhead,
  amountLine,
  type Column,
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
} from '~/utils/pdf.server';
import { paymentMethodMessage, receiptTitleMessage } from './money-entries';
import type { Receipt } from './receipts.server';

const COLUMNS: Column[] = [
  { width: 135 },
  { width: 90, align: 'right' },
  { width: 80, align: 'right' },
  { width: 95, align: 'right' },
  { width: 95, align: 'right' },
];

export async function renderReceiptPdf(
  receipt: Receipt,
  { locale, logo = null, compress = true }: { locale: Locale; logo?: Uint8Array | null; compress?: boolean },
) {
  const t = (key: MessageKey, params?: Params) => translate(locale, key, params);
  const money = (cents: number) => formatMoney(cents, receipt.currency, locale);
  const title = t(receiptTitleMessage(receipt.kind));
  const paidAt = new Date(receipt.paidAt);
  const doc = newPdf({
    title: `${title} ${receipt.number}`,
    author: receipt.payee.legalName,
    createdAt: paidAt,
    lang: locale,
    compress,
  });
  const width = doc.page.width - PDF_MARGIN * 2;
  const { payee, payer } = receipt;

  drawLetterhead(doc, logo, payee.legalName, [
    payee.name !== payee.legalName ? payee.name : null,
    ...addressLines(payee.address, localeTags[locale]),
    payee.email,
    payee.phone,
    payee.website,
    payee.kvkNumber ? t('portal.footer.kvk', { kvk: payee.kvkNumber }) : null,
  ]);

  doc.font(FONT_BOLD).fontSize(20).text(pdfText(title), PDF_MARGIN, doc.y, { width });
  doc
    .font(FONT)
    .fontSize(10)
    .fillColor(MUTED)
    .text(pdfText(t('receipt.number', { number: receipt.number })), { width });
  doc.fillColor(INK).moveDown(1);

  const credit = receipt.kind === 'credit_note' || receipt.kind === 'credit_used';
  const payerLines = [payer.name, payer.addressLine, [payer.postalCode, payer.city].filter(Boolean).join('  ') || null]
    .filter((line): line is string => Boolean(line))
    .join('\n');
  const facts: [string, string][] = [
    [t(credit ? 'receipt.creditFor' : 'receipt.paidBy'), payerLines],
    [
      t(credit ? 'receipt.creditFrom' : 'receipt.paidTo'),
      [payee.legalName, payee.iban ? formatIban(payee.iban) : null].filter(Boolean).join('\n'),
    ],
    [t('receipt.amount'), money(receipt.amountCents)],
    [t('receipt.at'), formatDateTime(paidAt, locale)],
    [t('receipt.method'), t(paymentMethodMessage(receipt.method), { organization: payee.name })],
    ...(receipt.reference ? [[t('receipt.reference'), receipt.reference] as [string, string]] : []),
  ];
  for (const [label, value] of facts) {
    const top = doc.y;
    doc.font(FONT).fontSize(9).fillColor(MUTED).text(pdfText(label), PDF_MARGIN, top, { width: 140 });
    doc
      .font(label === t('receipt.amount') ? FONT_BOLD : FONT)
      .fontSize(10)
      .fillColor(INK)
      .text(pdfText(value), PDF_MARGIN + 150, top, { width: width - 150 });
    doc.y += 4;
  }
  doc.x = PDF_MARGIN;
  doc.moveDown(1);

  if (receipt.invoices.length > 0) {
    doc
      .font(FONT_BOLD)
      .fontSize(12)
      .text(pdfText(t('receipt.applied')), PDF_MARGIN, doc.y, { width });
    doc.moveDown(0.4);
    doc.fillColor(MUTED);
    tableRow(doc, COLUMNS, [
      t('receipt.col.invoice'),
      t('receipt.col.costs'),
      t('receipt.col.interest'),
      t('receipt.col.principal'),
      t('receipt.col.total'),
    ]);
    doc.fillColor(INK);
    rule(doc, 4);
    for (const line of receipt.invoices) {
      tableRow(doc, COLUMNS, [
        line.number,
        money(line.costsCents),
        money(line.interestCents),
        money(line.principalCents),
        money(line.amountCents),
      ]);
    }
    rule(doc, 8);
  }
  if (receipt.creditedCents > 0) amountLine(doc, t('receipt.creditedLabel'), money(receipt.creditedCents));
  if (receipt.creditUsed) amountLine(doc, t('receipt.creditUsedLabel'), money(receipt.creditUsed.cents));
  if (receipt.reversedCents > 0) {
    doc.moveDown(0.5);
    doc
      .font(FONT)
      .fontSize(10)
      .text(pdfText(t('receipt.reversed', { amount: money(receipt.reversedCents) })), PDF_MARGIN, doc.y, {
        width,
      });
  }

  doc.moveDown(2);
  doc
    .font(FONT)
    .fontSize(8)
    .fillColor(MUTED)
    .text(
      pdfText(t('receipt.generated', { organization: payee.name, date: formatDate(paidAt, locale) })),
      PDF_MARGIN,
      doc.y,
      {
        width,
      },
    );
  return pdfBytes(doc);
}
