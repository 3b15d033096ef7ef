import { addDays } from '~/utils/clock';
import { formatMoney } from '~/utils/money';
import type { DebtorEmailProps, EmailLocale } from './types';

const TAGS: Record<EmailLocale, string> = { nl: 'nl-NL', en: 'en-GB' };

export function money(cents: number, locale: EmailLocale, currency = 'EUR'): string {
  return formatMoney(cents, currency, locale);
}

/** A calendar day ('YYYY-MM-DD') as "1 november 2026" / "1 November 2026". */
export function day(value: string, locale: EmailLocale): string {
  return new Intl.DateTimeFormat(TAGS[locale], {
    timeZone: 'Europe/Amsterdam',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${value.slice(0, 10)}T12:00:00Z`));
}

/** An instant as a date and time in Europe/Amsterdam. */
export function instant(value: string | Date, locale: EmailLocale): string {
  return new Intl.DateTimeFormat(TAGS[locale], {
    timeZone: 'Europe/Amsterdam',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(value));
}

export function currencyOf(props: Pick<DebtorEmailProps, 'invoices'>): string {
  return props.invoices[0]?.currency ?? 'EUR';
}

export { addDays };
