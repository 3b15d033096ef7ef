import { openLines, totalDue } from './_lib/amounts';
import { countedSubject, DebtorEmail } from './_lib/debtor-email';
import { currencyOf, money } from './_lib/format';
import { AmountLines, InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

export type SecondReminderProps = DebtorEmailProps;

export function subject(props: SecondReminderProps): string {
  return countedSubject(props, 'second.subject');
}

export function SecondReminder(props: SecondReminderProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const amount = money(totalDue(props), props.locale, currency);
  return (
    <DebtorEmail
      base={props}
      preview={t('second.ask', { amount })}
      heading={t('second.heading')}
      cta="cta.pay"
      after={<P>{t('alreadyPaid')}</P>}
    >
      <P>{t('second.intro')}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines locale={props.locale} currency={currency} lines={openLines(props)} />
      <P>{t('second.ask', { amount })}</P>
      <P>{t('options')}</P>
    </DebtorEmail>
  );
}

SecondReminder.PreviewProps = previewBase() satisfies SecondReminderProps;

export default SecondReminder;
