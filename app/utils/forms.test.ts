import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  amount,
  checkbox,
  choice,
  field,
  formValues,
  parseForm,
  reject,
  repeated,
  text,
  typedValues,
  upload,
  uuid,
  wholeNumber,
  whenValid,
} from './forms';

const form = (fields: Record<string, string | string[]>) => {
  const f = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) f.append(name, v);
  return f;
};

const NUL = String.fromCharCode(0);
const ID = '6f1c4a52-4c8e-4f7e-9d53-2f3b7c9a1e01';

describe('formValues', () => {
  it('keeps one value per name, and every value of a name posted more than once', () => {
    expect(formValues(form({ a: '1', b: ['x', 'y'] }))).toEqual({ a: '1', b: ['x', 'y'] });
    expect(formValues(new URLSearchParams('a=1&b=x&b=y'))).toEqual({ a: '1', b: ['x', 'y'] });
  });
});

describe('parseForm', () => {
  const schema = z.object({
    name: text({ required: { key: 'bo.form.error.email' }, max: 5 }),
    count: wholeNumber({ min: 1, max: 9 }),
    remember: checkbox(),
  });

  it('returns the typed data of a good form, from FormData, URLSearchParams or values', () => {
    const expected = { ok: true, data: { name: 'Anna', count: 3, remember: true } };
    expect(parseForm(schema, form({ name: ' Anna ', count: '3', remember: 'on' }))).toEqual(expected);
    expect(parseForm(schema, new URLSearchParams('name=Anna&count=3&remember=on'))).toEqual(expected);
    expect(parseForm(schema, { name: 'Anna', count: '3', remember: 'on' })).toEqual(expected);
    expect(parseForm(schema, form({ name: 'Anna', count: '3' }))).toEqual({
      ok: true,
      data: { name: 'Anna', count: 3, remember: false },
    });
  });

  it('names every refused field with its message key and parameters, the first refusal per field', () => {
    expect(parseForm(schema, form({ name: 'Annabel', count: '10' }))).toEqual({
      ok: false,
      errors: {
        name: { key: 'bo.form.error.tooLong', params: { max: 5 } },
        count: { key: 'bo.form.error.intRange', params: { min: 1, max: 9 } },
      },
    });
    expect(parseForm(schema, form({ count: '1' }))).toEqual({
      ok: false,
      errors: { name: { key: 'bo.form.error.email' } },
    });
  });

  it('reads a plain issue message as the key, and an issue without a path as the form', () => {
    const plain = z.object({ frequency: z.enum(['monthly'], { error: 'plan.error.frequency' }) });
    expect(parseForm(plain, form({ frequency: 'daily' }))).toEqual({
      ok: false,
      errors: { frequency: { key: 'plan.error.frequency' } },
    });
    const whole = z.unknown().transform((_, ctx) => reject(ctx, { key: 'plan.error.pendingExists' }));
    expect(parseForm(whole, form({}))).toEqual({ ok: false, errors: { form: { key: 'plan.error.pendingExists' } } });
  });

  it('names a nested field by its path, and runs a check across fields beside other refusals', () => {
    const schema = z
      .object({ low: wholeNumber({ max: 99 }), high: wholeNumber({ max: 99 }), other: wholeNumber({ max: 9 }) })
      .superRefine(
        (v, ctx) => {
          if (v.low > v.high) reject(ctx, { key: 'bo.plans.error.totalBelowMinimum', params: { count: 2 } }, ['high']);
        },
        whenValid('low', 'high'),
      );
    expect(parseForm(schema, form({ low: '5', high: '4', other: 'x' })).ok ? null : 'refused').toBe('refused');
    expect(parseForm(schema, form({ low: '5', high: '4', other: 'x' }))).toEqual({
      ok: false,
      errors: {
        other: { key: 'bo.form.error.intRange', params: { min: 0, max: 9 } },
        high: { key: 'bo.plans.error.totalBelowMinimum', params: { count: 2 } },
      },
    });
    // A refused field keeps the check across fields quiet: one refusal per problem.
    expect(parseForm(schema, form({ low: 'x', high: '4', other: '1' }))).toEqual({
      ok: false,
      errors: { low: { key: 'bo.form.error.intRange', params: { min: 0, max: 99 } } },
    });
    const nested = z.object({
      consumer: z.array(z.object({ key: text({ required: { key: 'bo.form.error.date' } }) })),
    });
    expect(parseForm(nested, { consumer: [{ key: 'a' }, { key: '' }] } as never)).toEqual({
      ok: false,
      errors: { 'consumer.1.key': { key: 'bo.form.error.date' } },
    });
  });
});

describe('field builders', () => {
  const one = <S extends z.ZodType>(schema: S, value: string | string[] | undefined) =>
    parseForm(z.object({ f: schema }), value === undefined ? {} : { f: value });

  it('text: trimmed, bounded, control characters refused; line breaks only in multi-line text', () => {
    expect(one(text({ max: 3 }), '  abc ')).toEqual({ ok: true, data: { f: 'abc' } });
    expect(one(text(), undefined)).toEqual({ ok: true, data: { f: '' } });
    expect(one(text(), `a${NUL}b`)).toEqual({ ok: false, errors: { f: { key: 'bo.form.error.controlChars' } } });
    expect(one(text(), 'a\nb')).toEqual({ ok: false, errors: { f: { key: 'bo.form.error.controlChars' } } });
    expect(one(text({ kind: 'multiline' }), 'a\r\n\tb')).toEqual({ ok: true, data: { f: 'a\r\n\tb' } });
    expect(one(text({ kind: 'multiline', controlChars: { key: 'plan.error.reasonControlChars' } }), `a${NUL}`)).toEqual(
      {
        ok: false,
        errors: { f: { key: 'plan.error.reasonControlChars' } },
      },
    );
    // A file where text is expected reads as nothing; the first of repeated values counts.
    expect(parseForm(z.object({ f: field() }), { f: new File(['x'], 'x.txt') })).toEqual({ ok: true, data: { f: '' } });
    expect(one(field(), ['a', 'b'])).toEqual({ ok: true, data: { f: 'a' } });
  });

  it('wholeNumber: digits only, within its bounds and digit count', () => {
    expect(one(wholeNumber({ min: 1, max: 90 }), ' 30 ')).toEqual({ ok: true, data: { f: 30 } });
    for (const bad of ['', '-1', '1.5', '1e2', '91', '0', 'zeven'])
      expect(one(wholeNumber({ min: 1, max: 90 }), bad)).toEqual({
        ok: false,
        errors: { f: { key: 'bo.form.error.intRange', params: { min: 1, max: 90 } } },
      });
    expect(one(wholeNumber({ digits: 2, error: { key: 'plan.error.countInvalid' } }), '100')).toEqual({
      ok: false,
      errors: { f: { key: 'plan.error.countInvalid' } },
    });
  });

  it('amount: Dutch or English notation in cents, with the limit, sign, range and empty rules', () => {
    const rules = {
      invalid: { key: 'plan.error.downPaymentInvalid' },
      tooLarge: { key: 'plan.error.downPaymentTooLarge' },
      signed: { key: 'plan.error.downPaymentNegative' },
    } as const;
    expect(one(amount(rules), '1.234,56')).toEqual({ ok: true, data: { f: 123_456 } });
    expect(one(amount(rules), '1,234.56')).toEqual({ ok: true, data: { f: 123_456 } });
    expect(one(amount({ ...rules, empty: 0 }), '')).toEqual({ ok: true, data: { f: 0 } });
    expect(one(amount(rules), '')).toEqual({ ok: false, errors: { f: rules.invalid } });
    expect(one(amount(rules), '1.000')).toEqual({ ok: false, errors: { f: rules.invalid } });
    expect(one(amount(rules), '-5')).toEqual({ ok: false, errors: { f: rules.signed } });
    expect(one(amount(rules), '€ -5')).toEqual({ ok: false, errors: { f: rules.signed } });
    expect(one(amount(rules), '100000000,01')).toEqual({ ok: false, errors: { f: rules.tooLarge } });
    expect(one(amount(rules), '100000000,00')).toEqual({ ok: true, data: { f: 10_000_000_000 } });
    const ranged = amount({
      invalid: { key: 'bo.form.error.amount' },
      min: 100,
      max: 1000,
      range: { key: 'bo.form.error.amountRange' },
    });
    expect(one(ranged, '0,99')).toEqual({ ok: false, errors: { f: { key: 'bo.form.error.amountRange' } } });
    expect(one(ranged, '10,00')).toEqual({ ok: true, data: { f: 1000 } });
  });

  it('choice, repeated and uuid', () => {
    const role = choice(['admin', 'finance'], { key: 'bo.team.error.role' });
    expect(one(role, 'finance')).toEqual({ ok: true, data: { f: 'finance' } });
    expect(one(role, 'owner')).toEqual({ ok: false, errors: { f: { key: 'bo.team.error.role' } } });
    const ids = repeated(uuid({ key: 'plan.error.invoiceUnknown' }));
    expect(one(ids, undefined)).toEqual({ ok: true, data: { f: [] } });
    expect(one(ids, ID)).toEqual({ ok: true, data: { f: [ID] } });
    expect(one(ids, [ID, 'x'])).toEqual({ ok: false, errors: { 'f.1': { key: 'plan.error.invoiceUnknown' } } });
  });
});

describe('upload', () => {
  it('is the posted file, empty or not, and null for text or nothing', () => {
    const schema = z.object({ file: upload() });
    const form = new FormData();
    form.append('file', new File(['abc'], 'statement.xml'));
    const read = parseForm(schema, form);
    expect(read.ok && read.data.file?.name).toBe('statement.xml');
    expect(read.ok && read.data.file?.size).toBe(3);
    const empty = new FormData();
    empty.append('file', new File([], 'empty.xml'));
    const none = parseForm(schema, empty);
    expect(none.ok && none.data.file?.size).toBe(0);
    const text = new FormData();
    text.append('file', 'not a file');
    expect(parseForm(schema, text)).toEqual({ ok: true, data: { file: null } });
    expect(parseForm(schema, new FormData())).toEqual({ ok: true, data: { file: null } });
  });
});

describe('typedValues', () => {
  it('gives back what was typed, cut at the bound, for a refused form', () => {
    expect(typedValues(form({ a: 'x'.repeat(50), c: ['1', '2'] }), ['a', 'b', 'c'], 40)).toEqual({
      a: 'x'.repeat(40),
      b: '',
      c: '1',
    });
  });
});
