import { describe, expect, it } from 'vitest';
import { DEFAULT_DUNNING_POLICY } from '../dunning/default-policy';
import { nextStep } from './next-step';

const base = {
  status: 'open' as const,
  dueDate: '2026-10-01',
  openCents: 100_000,
  dunningStage: 0,
  nextActionAt: new Date('2026-10-08T07:00:00Z'),
};

describe('nextStep', () => {
  it('says nothing happens before the due date', () => {
    expect(
      nextStep({ ...base, dueDate: '2026-12-01' }, DEFAULT_DUNNING_POLICY.consumer, 'consumer', [], '2026-11-23'),
    ).toMatchObject({
      kind: 'not_due',
    });
  });

  it('announces the friendly reminder, then the final notice with the exact BIK costs and the 14-day term for consumers', () => {
    expect(nextStep(base, DEFAULT_DUNNING_POLICY.consumer, 'consumer', [], '2026-10-05')).toMatchObject({
      kind: 'reminder',
      template: 'friendly_reminder',
      costsCents: 0,
    });
    const final = nextStep({ ...base, dunningStage: 2 }, DEFAULT_DUNNING_POLICY.consumer, 'consumer', [], '2026-10-30');
    // 15% of EUR 1,000.00 = EUR 150.00
    expect(final).toMatchObject({
      kind: 'reminder',
      template: 'final_notice',
      costsCents: 15_000,
      graceDays: 14,
      claimsInterest: false,
    });
  });

  it('claims interest on a business final notice and never goes past the last stage', () => {
    const final = nextStep({ ...base, dunningStage: 2 }, DEFAULT_DUNNING_POLICY.business, 'business', [], '2026-10-30');
    expect(final).toMatchObject({ template: 'final_notice', claimsInterest: true, graceDays: null });
    expect(
      nextStep({ ...base, dunningStage: 3 }, DEFAULT_DUNNING_POLICY.business, 'business', [], '2026-11-30'),
    ).toEqual({ kind: 'end' });
  });

  it('prefers a pause over anything else, and a settled invoice over a pause', () => {
    const pause = { reason: 'payment_plan' as const, until: null };
    expect(nextStep(base, DEFAULT_DUNNING_POLICY.consumer, 'consumer', [pause], '2026-10-30')).toEqual({
      kind: 'paused',
      reason: 'payment_plan',
      until: null,
    });
    expect(
      nextStep(
        { ...base, status: 'paid', openCents: 0 },
        DEFAULT_DUNNING_POLICY.consumer,
        'consumer',
        [pause],
        '2026-10-30',
      ),
    ).toEqual({
      kind: 'settled',
    });
  });
});
