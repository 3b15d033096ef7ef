import type { MoneyEntry } from '~/modules/portal/index';
import type { MessageKey, Params } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney, type MoneyLocale } from '~/utils/money';

type T = (key: MessageKey, params?: Params) => string;

/** One line for money on an invoice: "Creditnota € 100,00", "Overboeking € 50,00 ontvangen", … */
export function moneyEntryText(entry: Pick<MoneyEntry, 'kind' | 'amountCents' | 'status'>, t: T, locale: MoneyLocale) {
  const amount = formatMoney(entry.amountCents, 'EUR', locale);
  switch (entry.kind) {
    case 'payment':
      return t('portal.money.payment', { amount, status: t(`portal.paymentStatus.${entry.status}`) });
    case 'transfer':
      return t('portal.money.transfer', { amount });
    case 'credit_note':
      return t('portal.money.credit_note', { amount });
    case 'write_off':
      return t('portal.money.write_off', { amount });
    case 'credit_used':
      return t('portal.money.credit_used', { amount });
    case 'reversal':
      return t('portal.money.reversal', { amount });
  }
}

export function MoneyEntryText({ entry }: { entry: Pick<MoneyEntry, 'kind' | 'amountCents' | 'status'> }) {
  const t = useT();
  const locale = useLocale();
  return <>{moneyEntryText(entry, t, locale)}</>;
}
