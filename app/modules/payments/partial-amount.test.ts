import { describe, expect, it } from 'vitest';
import { checkPartialAmount, parseCentsParam, requestedAmount } from './partial-amount';
import { chargeSummary } from './pay-summary';

describe('the partial-payment rule', () => {
  it('allows the whole amount, or a part of at least the minimum, never more than owed', () => {
    expect(checkPartialAmount(5_000, undefined, 1_000)).toEqual({ ok: true, amountCents: 5_000 });
    expect(checkPartialAmount(5_000, 5_000, 1_000)).toEqual({ ok: true, amountCents: 5_000 });
    expect(checkPartialAmount(5_000, 1_000, 1_000)).toEqual({ ok: true, amountCents: 1_000 });
    expect(checkPartialAmount(5_000, 999, 1_000)).toEqual({ ok: false, error: 'amount_below_minimum' });
    expect(checkPartialAmount(5_000, 1, 1_000)).toEqual({ ok: false, error: 'amount_below_minimum' });
    expect(checkPartialAmount(5_000, 0, 1_000)).toEqual({ ok: false, error: 'amount_below_minimum' });
    expect(checkPartialAmount(5_000, -5, 1_000)).toEqual({ ok: false, error: 'amount_below_minimum' });
    expect(checkPartialAmount(5_000, 5_001, 1_000)).toEqual({ ok: false, error: 'amount_above_open' });
    expect(checkPartialAmount(5_000, Number.NaN, 1_000)).toEqual({ ok: false, error: 'amount_above_open' });
    // Owing less than the minimum: only the whole amount.
    expect(checkPartialAmount(500, 500, 1_000)).toEqual({ ok: true, amountCents: 500 });
    expect(checkPartialAmount(500, 400, 1_000)).toEqual({ ok: false, error: 'amount_below_minimum' });
  });

  it('reads cents from a query string: digits only, at most twelve; absent is the whole amount', () => {
    expect(parseCentsParam(null)).toEqual({ ok: true });
    expect(parseCentsParam('2500')).toEqual({ ok: true, cents: 2_500 });
    expect(parseCentsParam('999999999999')).toEqual({ ok: true, cents: 999_999_999_999 });
    for (const bad of ['', '-5', '1e9', 'abc', '12.5', ' 1', '1\r\n', '0x10', '9999999999999', '１２']) {
      expect(parseCentsParam(bad)).toEqual({ ok: false });
    }
  });

  it('reads the one-invoice form: a typed amount is what is charged, whichever choice is marked', () => {
    expect(requestedAmount({ amountMode: 'full', amount: '' })).toEqual({ kind: 'full' });
    expect(requestedAmount({})).toEqual({ kind: 'full' });
    expect(requestedAmount({ amountMode: 'full', amount: '   ' })).toEqual({ kind: 'full' });
    // The walk's defect: "Het hele bedrag" marked, 50 typed. 50 is charged.
    expect(requestedAmount({ amountMode: 'full', amount: '50' })).toEqual({ kind: 'part', cents: 5_000 });
    expect(requestedAmount({ amount: '€ 1.234,56' })).toEqual({ kind: 'part', cents: 123_456 });
    expect(requestedAmount({ amountMode: 'part', amount: '75,50' })).toEqual({ kind: 'part', cents: 7_550 });
    expect(requestedAmount({ amountMode: 'part', amount: '' })).toEqual({ kind: 'invalid', error: 'amount_invalid' });
    for (const bad of ['1.234', 'abc', '-5', '0', '0,00', '1,234.5.6']) {
      expect(requestedAmount({ amountMode: 'full', amount: bad })).toEqual({
        kind: 'invalid',
        error: 'amount_invalid',
      });
    }
    expect(requestedAmount({ amount: '100000000,01' })).toEqual({ kind: 'invalid', error: 'amount_too_large' });
  });
});

describe('what the debtor pays at the provider after their credit', () => {
  it('sets the credit off first, never more than the total', () => {
    expect(chargeSummary(10_000, 0)).toEqual({ totalCents: 10_000, fromCreditCents: 0, providerCents: 10_000 });
    expect(chargeSummary(10_000, 2_500)).toEqual({ totalCents: 10_000, fromCreditCents: 2_500, providerCents: 7_500 });
    expect(chargeSummary(10_000, 12_000)).toEqual({ totalCents: 10_000, fromCreditCents: 10_000, providerCents: 0 });
    expect(chargeSummary(10_000, -5)).toEqual({ totalCents: 10_000, fromCreditCents: 0, providerCents: 10_000 });
  });
});
