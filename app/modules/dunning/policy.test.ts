import { describe, expect, it } from 'vitest';
import type { DunningPolicy } from '~db/schema';
import { DEFAULT_DUNNING_POLICY } from './default-policy';
import { parseDunningPolicy, validateDunningPolicy, validateStatutoryRates } from './policy';
import { STATUTORY_RATES } from './statutory-interest';

const clone = (): DunningPolicy => structuredClone(DEFAULT_DUNNING_POLICY);
const fields = (policy: unknown) => validateDunningPolicy(policy).map((p) => [p.field, p.code]);

describe('validateDunningPolicy', () => {
  it('accepts the seeded default policy', () => {
    expect(validateDunningPolicy(DEFAULT_DUNNING_POLICY)).toEqual([]);
    expect(parseDunningPolicy(DEFAULT_DUNNING_POLICY)).toEqual({ ok: true, policy: DEFAULT_DUNNING_POLICY });
  });

  it('rejects an empty or missing flow, naming it', () => {
    expect(fields({ consumer: [], business: DEFAULT_DUNNING_POLICY.business })).toEqual([['consumer', 'flow_empty']]);
    expect(fields({ consumer: DEFAULT_DUNNING_POLICY.consumer })).toEqual([['business', 'flow_missing']]);
    expect(fields(null)).toEqual([['policy', 'not_an_object']]);
  });

  it('rejects overlapping, non-increasing and negative offsets', () => {
    const overlap = clone();
    overlap.consumer[1].offsetDays = 7;
    expect(fields(overlap)).toEqual([['consumer[1].offsetDays', 'offset_overlaps']]);

    const backwards = clone();
    backwards.business[2].offsetDays = 14;
    expect(fields(backwards)).toEqual([['business[2].offsetDays', 'offset_not_increasing']]);

    const negative = clone();
    negative.business[0].offsetDays = -3;
    expect(fields(negative)).toEqual([['business[0].offsetDays', 'offset_negative']]);

    const onDueDate = clone();
    onDueDate.business[0].offsetDays = 0;
    expect(fields(onDueDate)).toEqual([['business[0].offsetDays', 'offset_on_due_date']]);

    const fractional = clone() as unknown as { business: { offsetDays: unknown }[] };
    fractional.business[1].offsetDays = 10.5;
    expect(fields(fractional)).toEqual([['business[1].offsetDays', 'offset_invalid']]);
  });

  it('rejects a stage without template or with an unknown one', () => {
    const policy = clone() as unknown as { consumer: Record<string, unknown>[] };
    delete policy.consumer[0].template;
    policy.consumer[1].template = 'angry_letter';
    const problems = validateDunningPolicy(policy);
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['consumer[0].template', 'template_missing'],
      ['consumer[1].template', 'template_unknown'],
    ]);
    expect(problems[1].message).toMatch(/^consumer\[1\]\.template: "angry_letter" is not one of/);
  });

  it('enforces the Dutch rules on costs: only a final notice adds them for consumers, and it must', () => {
    const policy = clone();
    policy.consumer[1].addsCosts = true;
    policy.business[2].addsCosts = false;
    expect(fields(policy)).toEqual([
      ['consumer[1].addsCosts', 'costs_need_final_notice'],
      ['business[2].addsCosts', 'final_notice_needs_costs'],
    ]);
  });

  it('keeps the stage after a consumer final notice out of the 14-day term', () => {
    const policy = clone();
    policy.consumer[3].offsetDays = 45; // final notice at 35: costs owed from 35 + 16 = 51 at the earliest
    const [problem] = validateDunningPolicy(policy);
    expect(problem).toMatchObject({ field: 'consumer[3].offsetDays', code: 'inside_consumer_term' });
    expect(problem.message).toContain('at least 51');
    policy.consumer[3].offsetDays = 51;
    expect(validateDunningPolicy(policy)).toEqual([]);
  });

  it('requires unique keys and a hand-over as the last stage', () => {
    const policy = clone();
    policy.business[1].key = 'friendly';
    policy.consumer[0] = { ...policy.consumer[0], template: 'collection_handover' };
    expect(fields(policy)).toEqual([
      ['consumer[0].template', 'handover_not_last'],
      ['business[1].key', 'key_duplicate'],
    ]);
  });

  it('parses form-like input into a clean policy, dropping unknown fields', () => {
    const input = {
      consumer: clone().consumer.map((s) => ({ ...s, extra: 1 })),
      business: clone().business,
      other: true,
    };
    const parsed = parseDunningPolicy(input);
    expect(parsed).toEqual({ ok: true, policy: DEFAULT_DUNNING_POLICY });
  });
});

describe('validateStatutoryRates', () => {
  it('accepts the shipped table as of its last row', () => {
    expect(validateStatutoryRates(STATUTORY_RATES, { asOf: '2025-12-31' })).toEqual([]);
  });

  it('names the row and field of a gap, a bad rate or a stale table', () => {
    const gap = [STATUTORY_RATES[0], STATUTORY_RATES[2]];
    expect(validateStatutoryRates(gap)).toEqual([
      {
        field: 'rates[1].from',
        code: 'rate_table',
        message: 'rates[1].from: 2024-07-01 leaves a gap: no row for the reset on 2024-01-01',
      },
    ]);
    const negative = [{ ...STATUTORY_RATES[0], commercial: -1 }];
    expect(validateStatutoryRates(negative).map((p) => p.field)).toEqual(['rates[0].commercial']);
    expect(validateStatutoryRates(STATUTORY_RATES, { asOf: '2026-12-15' })).toEqual([
      {
        field: 'rates',
        code: 'rate_table',
        message: 'rates: last row is from 2025-07-01; the rate in force from 2026-01-01 is missing',
      },
    ]);
    expect(validateStatutoryRates([]).map((p) => p.field)).toEqual(['rates']);
  });
});
