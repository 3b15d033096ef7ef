import type { NextStep, PortalStage } from '~/modules/portal/index';
import { formatDate, type Locale, type MessageKey, type Params } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';

type Words = { t: (key: MessageKey, params?: Params) => string; locale: Locale; organizationName: string };

/** One plain sentence: what happens to this invoice next, and what it will cost. Pure, for tests and mail alike. */
export function describeNextStep(next: NextStep, { t, locale, organizationName }: Words): string {
  const when = (at: Date | string | null) => (at ? formatDate(new Date(at), locale) : t('portal.next.soon'));
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  switch (next.kind) {
    case 'settled':
      return t('portal.next.settled');
    case 'paused':
      return [
        t(`portal.paused.${next.reason}`, { organization: organizationName }),
        next.until ? t('portal.paused.until', { date: when(next.until) }) : null,
      ]
        .filter(Boolean)
        .join(' ');
    case 'not_due':
      return t('portal.next.not_due', { date: formatDate(next.dueDate, locale) });
    case 'handed_over':
      return t('portal.next.handed_over', { organization: organizationName });
    case 'held':
      return t('portal.next.held', { organization: organizationName });
    case 'end':
      return t('portal.next.end', { organization: organizationName });
    case 'reminder': {
      const date = when(next.at);
      const costs = money(next.costsCents);
      if (next.template === 'final_notice') {
        if (next.graceDays !== null && next.costsCents > 0)
          return t('portal.next.final_notice_consumer', { date, costs });
        if (next.claimsInterest) {
          return t('portal.next.final_notice_business', { date, costs, interest: money(next.interestCents) });
        }
        if (next.costsCents > 0) return t('portal.next.final_notice_costs', { date, costs });
        return t('portal.next.final_notice_plain', { date });
      }
      if (next.template === 'collection_handover') {
        return next.costsCents > 0
          ? t('portal.next.collection_handover', { date, costs })
          : t('portal.next.collection_handover_nocosts', { date });
      }
      const reminder = t(`portal.next.${next.template}`, { date });
      return next.costsCents > 0 ? `${reminder} ${t('portal.next.costsAdded', { costs })}` : reminder;
    }
  }
}

/** One sentence for a stage the invoice is in now. */
export function describeStage(stage: PortalStage, { t, locale, organizationName }: Words): string {
  switch (stage.kind) {
    case 'handed_over':
      return stage.agency
        ? t('portal.stage.handed_over_agency', {
            date: formatDate(stage.on, locale),
            agency: stage.agency,
            organization: organizationName,
          })
        : t('portal.stage.handed_over', { date: formatDate(stage.on, locale), organization: organizationName });
    case 'letter_term':
      return t('portal.stage.letter_term', {
        sent: formatDate(stage.sentOn, locale),
        last: formatDate(stage.lastDay, locale),
        costs: formatMoney(stage.costsCents, 'EUR', locale),
      });
  }
}

export function NextStepText({ next, organizationName }: { next: NextStep; organizationName: string }) {
  const t = useT();
  const locale = useLocale();
  return <>{describeNextStep(next, { t, locale, organizationName })}</>;
}

/**
 * "Wat gebeurt er nu?": every stage the invoice is in (handed over, a fourteen-day term running),
 * then what happens next.
 */
export function NextStepBlock({
  invoice,
  organizationName,
}: {
  invoice: { next: NextStep; stages: PortalStage[] };
  organizationName: string;
}) {
  const t = useT();
  const locale = useLocale();
  const words = { t, locale, organizationName };
  return (
    <div className={`next-step next-${invoice.next.kind}`} data-testid="next-step">
      <p className="next-label">{t('portal.next.heading')}</p>
      {invoice.stages.map((stage) => (
        <p key={stage.kind} className={`stage stage-${stage.kind}`} data-testid={`stage-${stage.kind}`}>
          {describeStage(stage, words)}
        </p>
      ))}
      <p>{describeNextStep(invoice.next, words)}</p>
    </div>
  );
}
