import { describe, expect, it } from 'vitest';
import { parseForm } from '~/utils/forms';
import { holdFormSchema, parseHoldForm } from './hold-form';

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

describe('parseHoldForm', () => {
  it('accepts no end day and no note', () => {
    expect(parseHoldForm(form({}), '2026-11-23')).toEqual({ ok: true, until: null, note: null });
  });

  it('ends the hold when the chosen day begins in Amsterdam', () => {
    expect(parseHoldForm(form({ until: '2026-12-01', note: ' belt terug ' }), '2026-11-23')).toEqual({
      ok: true,
      until: new Date('2026-11-30T23:00:00.000Z'),
      note: 'belt terug',
    });
  });

  it('names the field for a bad date, a day not after today or beyond a year, and a long note', () => {
    expect(parseHoldForm(form({ until: '2026-02-30x' }), '2026-11-23')).toEqual({
      ok: false,
      errors: { until: { key: 'bo.form.error.date' } },
    });
    for (const until of ['2026-11-23', '2027-11-24']) {
      expect(parseHoldForm(form({ until }), '2026-11-23')).toEqual({
        ok: false,
        errors: { until: { key: 'bo.debtor.hold.untilRange' } },
      });
    }
    expect(parseHoldForm(form({ note: 'x'.repeat(501) }), '2026-11-23')).toEqual({
      ok: false,
      errors: { note: { key: 'bo.form.error.tooLong', params: { max: 500 } } },
    });
  });
});

describe('holdFormSchema through parseForm', () => {
  it('names both refused fields at once and reads a good form from URLSearchParams too', () => {
    expect(parseHoldForm(form({ until: 'morgen', note: `a${String.fromCharCode(0)}` }), '2026-11-23')).toEqual({
      ok: false,
      errors: { until: { key: 'bo.form.error.date' }, note: { key: 'bo.form.error.controlChars' } },
    });
    expect(parseForm(holdFormSchema('2026-11-23'), new URLSearchParams('until=2027-11-23&note=x'))).toEqual({
      ok: true,
      data: { until: new Date('2027-11-22T23:00:00.000Z'), note: 'x' },
    });
  });
});
