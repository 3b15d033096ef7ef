import { bikCosts, CONSUMER_TERM_DAYS } from '~/modules/dunning/index';
import { countedSubject, DebtorEmail } from './_lib/debtor-email';
import { addDays, currencyOf, day, money } from './_lib/format';
import { AmountLines, InvoiceTable, P } from './_lib/layout';
import { previewBase } from './_lib/preview';
import type { DebtorEmailProps } from './_lib/types';
import { textFor } from './messages';

/** What a business is asked to pay within, from the day the notice is sent. */
export const BUSINESS_TERM_DAYS = 14;
/** Art. 6:96 lid 4 BW: the least compensation a business owes for collection costs. */
export const BUSINESS_MINIMUM_COMPENSATION_CENTS = 4_000;

export type FinalNoticeProps = DebtorEmailProps & {
  /** The day ('YYYY-MM-DD', Europe/Amsterdam) this notice is sent; terms are computed from it. */
  sentOn: string;
};

export function subject(props: FinalNoticeProps): string {
  return countedSubject(props, 'final.subject');
}

/**
 * The amounts the notice states. Costs are computed with the WIK staffel on the principal
 * (EUR 40 minimum included) unless the caller passes the amount it computed itself.
 */
export function finalNoticeAmounts(props: FinalNoticeProps) {
  const open = props.totals.openCents;
  const computed = bikCosts(open);
  const costs =
    props.debtor.kind === 'business'
      ? Math.max(props.totals.costsCents ?? computed, BUSINESS_MINIMUM_COMPENSATION_CENTS)
      : (props.totals.costsCents ?? computed);
  const interest = props.totals.interestCents ?? 0;
  const days = props.debtor.kind === 'consumer' ? CONSUMER_TERM_DAYS : BUSINESS_TERM_DAYS;
  return { open, costs, interest, total: open + costs + interest, deadline: addDays(props.sentOn, days) };
}

export function FinalNotice(props: FinalNoticeProps) {
  return props.debtor.kind === 'consumer' ? <ConsumerNotice {...props} /> : <BusinessNotice {...props} />;
}

/** The Dutch "veertiendagenbrief": exact cost amount, term from the day after delivery. */
function ConsumerNotice(props: FinalNoticeProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const a = finalNoticeAmounts(props);
  const amount = money(a.open, props.locale, currency);
  const costs = money(a.costs, props.locale, currency);
  return (
    <DebtorEmail
      base={props}
      preview={t('final.consumer.term', { amount })}
      heading={t('final.heading')}
      cta="cta.pay"
      after={<P>{t('alreadyPaid')}</P>}
    >
      <P>{t('final.intro')}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines
        locale={props.locale}
        currency={currency}
        lines={[
          { label: t('final.consumer.payNow'), cents: a.open, strong: true },
          { label: t('final.consumer.costsLine'), cents: a.costs },
        ]}
      />
      <P>{t('final.consumer.term', { amount })}</P>
      <P>{t('final.consumer.costs', { costs })}</P>
      {a.interest > 0 ? (
        <P>{t('final.consumer.interest', { interest: money(a.interest, props.locale, currency) })}</P>
      ) : null}
      <P>
        {t('final.consumer.delivery', {
          sentOn: day(props.sentOn, props.locale),
          deadline: day(addDays(props.sentOn, CONSUMER_TERM_DAYS), props.locale),
        })}
      </P>
      <P>{t('options')}</P>
    </DebtorEmail>
  );
}

/** Business: the EUR 40 minimum compensation (BIK) and statutory commercial interest as separate lines. */
function BusinessNotice(props: FinalNoticeProps) {
  const t = textFor(props.locale);
  const currency = currencyOf(props);
  const a = finalNoticeAmounts(props);
  const sentOn = day(props.sentOn, props.locale);
  const minimum = money(BUSINESS_MINIMUM_COMPENSATION_CENTS, props.locale, currency);
  return (
    <DebtorEmail
      base={props}
      preview={t('final.business.ask', {
        total: money(a.total, props.locale, currency),
        deadline: day(a.deadline, props.locale),
      })}
      heading={t('final.heading')}
      cta="cta.pay"
      after={<P>{t('alreadyPaid')}</P>}
    >
      <P>{t('final.business.intro')}</P>
      <InvoiceTable locale={props.locale} invoices={props.invoices} />
      <AmountLines
        locale={props.locale}
        currency={currency}
        lines={[
          { label: t('totals.open'), cents: a.open },
          { label: t('totals.compensation', { minimum }), cents: a.costs },
          {
            label: t('final.interestUntil', { label: t('totals.commercialInterest'), date: sentOn }),
            cents: a.interest,
          },
          { label: t('totals.total'), cents: a.total, strong: true },
        ]}
      />
      <P>
        {t('final.business.costs', {
          costs: money(a.costs, props.locale, currency),
          interest: money(a.interest, props.locale, currency),
          sentOn,
          minimum,
        })}
      </P>
      <P>
        {t('final.business.ask', {
          total: money(a.total, props.locale, currency),
          deadline: day(a.deadline, props.locale),
        })}
      </P>
    </DebtorEmail>
  );
}

FinalNotice.PreviewProps = { ...previewBase(), sentOn: '2026-11-19' } satisfies FinalNoticeProps;

export default FinalNotice;
