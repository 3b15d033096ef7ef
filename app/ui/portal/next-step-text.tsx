import type { NextStep } from '../../modules/portal/next-step';
import { formatMoney } from '../../utils/money';
import { formatDate } from '../../utils/i18n';
import { useLocale, useT } from '../../utils/i18n/react';

/** One plain sentence: what happens to this invoice next, and what it will cost. */
export function NextStepText({ next, organizationName }: { next: NextStep; organizationName: string }) {
  const t = useT();
  const locale = useLocale();
  const when = (at: Date | string | null) => (at ? formatDate(new Date(at), locale) : t('portal.next.soon'));
  switch (next.kind) {
    case 'settled':
      return <>{t('portal.next.settled')}</>;
    case 'paused':
      return (
        <>
          {t(`portal.paused.${next.reason}`, { organization: organizationName })}
          {next.until ? ` ${t('portal.paused.until', { date: when(next.until) })}` : null}
        </>
      );
    case 'not_due':
      return <>{t('portal.next.not_due', { date: formatDate(next.dueDate, locale) })}</>;
    case 'end':
      return <>{t('portal.next.end', { organization: organizationName })}</>;
    case 'reminder': {
      const costs = formatMoney(next.costsCents, 'EUR', locale);
      if (next.template === 'final_notice') {
        return (
          <>
            {t(next.claimsInterest ? 'portal.next.final_notice_business' : 'portal.next.final_notice_consumer', {
              date: when(next.at),
              costs,
            })}
          </>
        );
      }
      if (next.template === 'collection_handover')
        return <>{t('portal.next.collection_handover', { date: when(next.at), costs })}</>;
      return <>{t(`portal.next.${next.template}`, { date: when(next.at) })}</>;
    }
  }
}
