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
