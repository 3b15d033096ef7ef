import { describe, expect, it } from 'vitest';
import { checkPartialAmount, parseCentsParam } from './partial-amount';

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
});
