import { openLines, totalDue } from './_lib/amounts';
import { countedSubject, DebtorEmail } from './_lib/debtor-email';
import { currencyOf, money } from './_lib/format';
import { AmountLines, InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type CollectionHandoverProps = DebtorEmailProps & {
  /** The collection agency or bailiff taking over, when known. */
  agencyName?: string | null;
};

export function subject(props: CollectionHandoverProps): string {
  return countedSubject(props, 'handover.subject');
}

export function CollectionHandover(props: CollectionHandoverProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const total = money(totalDue(props), props.locale, currency);
  return (
    <DebtorEmail base={props} preview={t('handover.total', { total })} heading={t('handover.heading')} cta="cta.pay">
      <P>{props.agencyName ? t('handover.introAgency', { agency: props.agencyName }) : t('handover.intro')}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines locale={props.locale} currency={currency} lines={openLines(props)} />
      <P>{t('handover.total', { total })}</P>
      <P>{t('handover.still')}</P>
    </DebtorEmail>
  );
}

CollectionHandover.PreviewProps = {
  ...previewBase(),
  totals: { openCents: 54_450, costsCents: 8_168, interestCents: 412 },
} satisfies CollectionHandoverProps;

export default CollectionHandover;
