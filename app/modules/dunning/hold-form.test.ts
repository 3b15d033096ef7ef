import { describe, expect, it } from 'vitest';
import { parseHoldForm } from './hold-form';

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
