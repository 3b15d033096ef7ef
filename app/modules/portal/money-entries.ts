import type { Payment } from '~db/schema';

/**
 * How money on an invoice reads to the debtor. Every ledger source says what it was: a credit
 * note is not a payment, a write-off is not money received, a bank transfer is an "Overboeking",
 * credit set off is "Verrekend met tegoed"; a negative allocation gave money back. Pure.
 */
export type MoneyEntryKind = 'payment' | 'transfer' | 'credit_note' | 'write_off' | 'credit_used' | 'reversal';

export type MoneyEntry = {
  kind: MoneyEntryKind;
  at: string;
  /** Always positive: the amount this entry moved (a reversal's amount given back). */
  amountCents: number;
  provider: Payment['provider'];
  status: Payment['status'];
};

export function moneyEntryKind(provider: Payment['provider'], amountCents: number): MoneyEntryKind {
  if (amountCents < 0) return 'reversal';
  switch (provider) {
    case 'credit_note':
      return 'credit_note';
    case 'write_off':
      return 'write_off';
    case 'bank_transfer':
      return 'transfer';
    case 'debtor_credit':
      return 'credit_used';
    default:
      return 'payment';
  }
}

export function moneyEntry(row: {
  at: Date;
  amountCents: number;
  provider: Payment['provider'];
  status: Payment['status'];
}): MoneyEntry {
  return {
    kind: moneyEntryKind(row.provider, row.amountCents),
    at: row.at.toISOString(),
    amountCents: Math.abs(row.amountCents),
    provider: row.provider,
    status: row.status,
  };
}

/**
 * How the money came, as the debtor reads it: the provider's method (iDEAL, Bancontact, a card…)
 * or what the ledger entry was (a bank transfer, a credit note, credit set off). Never a raw enum:
 * a method the portal does not know reads as an online payment.
 */
export type PaymentMethodKey =
  | 'ideal'
  | 'bancontact'
  | 'card'
  | 'paypal'
  | 'applepay'
  | 'directdebit'
  | 'banktransfer'
  | 'credit_note'
  | 'debtor_credit'
  | 'external'
  | 'write_off'
  | 'online';

const METHODS: Record<string, PaymentMethodKey> = {
  ideal: 'ideal',
  bancontact: 'bancontact',
  mistercash: 'bancontact',
  creditcard: 'card',
  card: 'card',
  visa: 'card',
  mastercard: 'card',
  amex: 'card',
  paypal: 'paypal',
  applepay: 'applepay',
  apple_pay: 'applepay',
  directdebit: 'directdebit',
  sepa_debit: 'directdebit',
  banktransfer: 'banktransfer',
  bank_transfer: 'banktransfer',
};

export function paymentMethodKey(provider: Payment['provider'], method: string | null): PaymentMethodKey {
  switch (provider) {
    case 'bank_transfer':
      return 'banktransfer';
    case 'credit_note':
    case 'debtor_credit':
    case 'write_off':
      return provider;
    case 'external':
      return (method && METHODS[method.toLowerCase()]) || 'external';
    default:
      return (method && METHODS[method.toLowerCase()]) || 'online';
  }
}

/** The number a receipt is known by: short enough to read out, taken from the payment's id. */
export function receiptNumber(paymentId: string) {
  return `R-${paymentId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

/** The catalog key naming a method ("iDEAL", "Bankoverschrijving", "Rechtstreeks aan {organization}", …). */
export function paymentMethodMessage(method: PaymentMethodKey) {
  return `receipt.method.${method}` as const;
}

/** A receipt's heading: a payment's receipt, or the confirmation of a credit note or of credit set off. */
export function receiptTitleMessage(kind: MoneyEntryKind) {
  return kind === 'credit_note'
    ? ('receipt.title.credit_note' as const)
    : kind === 'credit_used'
      ? ('receipt.title.credit_used' as const)
      : ('receipt.title.payment' as const);
}
