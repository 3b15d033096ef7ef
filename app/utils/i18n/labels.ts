/**
 * Stored values (enums) as words a reader understands, in their language. One function per kind
 * of value, so no page shows a raw `bank_transfer` and every page names a thing the same way.
 */
import { translate, type Locale, type MessageKey } from './index';

/** Where money on an invoice came from (payments.provider), and the outside services that act on it. */
export const PROVIDERS = [
  'mollie',
  'stripe',
  'demo',
  'bank_transfer',
  'external',
  'credit_note',
  'write_off',
  'debtor_credit',
  'resend',
] as const;
export type ProviderName = (typeof PROVIDERS)[number];

function isProvider(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** "Overboeking" for `bank_transfer`, "Mollie" for `mollie`; anything unknown reads as "another source". */
export function providerLabel(locale: Locale, provider: string | null | undefined): string {
  const key: MessageKey = provider && isProvider(provider) ? `bo.provider.${provider}` : 'bo.provider.other';
  return translate(locale, key);
}
