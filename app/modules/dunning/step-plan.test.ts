import { describe, expect, it } from 'vitest';
import type { DunningStage } from '~db/schema';
import { amsterdamInstant } from '~/utils/clock';
import { bikCosts } from './collection-costs';
import { DEFAULT_DUNNING_POLICY } from './default-policy';
import { nextActionFor, nextAfterStep } from './schedule';
import {
  decideStep,
  firstPassDay,
  letterShares,
  predictStep,
  predictSteps,
  type LetterOnRecord,
  type StepInput,
} from './step-plan';

const consumer = DEFAULT_DUNNING_POLICY.consumer;
const business = DEFAULT_DUNNING_POLICY.business;
const at9 = (day: string) => amsterdamInstant(day, 9);

function consumerAt(stage: number, extra: Partial<StepInput> = {}): StepInput {
  return {
    kind: 'consumer',
    stages: consumer,
    invoice: { dueDate: '2026-11-01', openCents: 50_000, costsCents: 0, interestCents: 0, dunningStage: stage },
    letter: null,
    emailBlocked: false,
    ...extra,
  };
}

const letter = (status: string, sentOn: string, deliveredOn?: string): LetterOnRecord => ({
  communicationId: '00000000-0000-4000-8000-000000000001',
  status,
  sentAt: status === 'queued' ? null : at9(sentOn),
  deliveredAt: deliveredOn ? at9(deliveredOn) : null,
  announcedCostsCents: bikCosts(50_000),
});

describe('decideStep: what the pass does today', () => {
  it('takes the stage that is due, with its costs: consumer reminders add none, the fourteen-day letter announces them', () => {
    expect(decideStep(consumerAt(0), { today: '2026-11-08' })).toMatchObject({
      kind: 'step',
      stage: { template: 'friendly_reminder' },
      addedCostsCents: 0,
      announcesCosts: false,
    });
    expect(decideStep(consumerAt(2), { today: '2026-12-06' })).toMatchObject({
      kind: 'step',
      stage: { template: 'final_notice' },
      addedCostsCents: 0,
      announcesCosts: true,
      nextActionAt: at9('2026-12-28'), // due + 56 = Sunday 27 December: the hand-over moves to Monday
    });
  });

  it('after a delivered letter: waits for the term, then adds the letter’s costs once', () => {
    const input = consumerAt(3, { letter: letter('delivered', '2026-12-06', '2026-12-07') });
    expect(decideStep(input, { today: '2026-12-21' })).toEqual({
      kind: 'postpone',
      reason: 'term_running',
      until: at9('2026-12-22'),
    });
    expect(decideStep(input, { today: '2026-12-28' })).toMatchObject({
      kind: 'step',
      handover: true,
      addedCostsCents: bikCosts(50_000),
      costsCents: bikCosts(50_000),
      nextActionAt: null,
      audit: { costsAddedCents: bikCosts(50_000), costsOwedFrom: '2026-12-22', collection: true },
    });
  });

  it('no delivered letter (bounced, failed, none on record): the hand-over goes ahead without costs; a queued one waits a day', () => {
    for (const record of [letter('bounced', '2026-12-06'), letter('failed', '2026-12-06'), null]) {
      expect(decideStep(consumerAt(3, { letter: record }), { today: '2026-12-28' })).toMatchObject({
        kind: 'step',
        handover: true,
        addedCostsCents: 0,
      });
    }
    expect(decideStep(consumerAt(3, { letter: letter('queued', '2026-12-06') }), { today: '2026-12-28' })).toEqual({
      kind: 'postpone',
      reason: 'final_notice_unsent',
      until: at9('2026-12-29'),
    });
  });

  it('never hands over on a weekend or a Dutch public holiday', () => {
    const cases: [string, string][] = [
      ['2027-04-27', '2027-04-28'], // Koningsdag (a Tuesday)
      ['2025-04-26', '2025-04-28'], // Koningsdag on Saturday 26 April (the 27th was a Sunday)
      ['2027-05-01', '2027-05-03'], // Saturday
      ['2027-05-05', '2027-05-07'], // Bevrijdingsdag, then Hemelvaartsdag (6 May 2027)
      ['2026-12-25', '2026-12-28'], // Kerst, then the weekend
      ['2027-03-26', '2027-03-30'], // Goede Vrijdag, the weekend, Tweede Paasdag
    ];
    for (const [day, next] of cases) {
      expect(decideStep(consumerAt(3, { letter: null }), { today: day })).toEqual({
        kind: 'postpone',
        reason: 'not_business_day',
        until: at9(next),
      });
    }
    // Other reminders keep their day.
    expect(decideStep(consumerAt(0), { today: '2027-04-27' })).toMatchObject({ kind: 'step' });
  });

  it('business final notice: max(EUR 40, staffel) and statutory commercial interest up to the day; a later hand-over adds nothing', () => {
    const input: StepInput = {
      kind: 'business',
      stages: [...business, { key: 'collection', offsetDays: 60, template: 'collection_handover', addsCosts: false }],
      invoice: { dueDate: '2024-12-01', openCents: 10_000, costsCents: 0, interestCents: 0, dunningStage: 2 },
      letter: null,
      emailBlocked: false,
    };
    const final = decideStep(input, { today: '2025-01-05' });
    expect(final).toMatchObject({ kind: 'step', addedCostsCents: 4_000, addedInterestCents: 116, costsCents: 4_000 });
    const handover = decideStep(
      { ...input, invoice: { ...input.invoice, dunningStage: 3, costsCents: 4_000, interestCents: 116 } },
      { today: '2025-01-30' },
    );
    expect(handover).toMatchObject({ kind: 'step', handover: true, addedCostsCents: 0, addedInterestCents: 0 });
  });

  it('ends after the last stage, and holds while the address is blocked', () => {
    expect(decideStep(consumerAt(4), { today: '2027-01-05' })).toEqual({ kind: 'end' });
    expect(decideStep(consumerAt(1, { emailBlocked: true }), { today: '2026-11-22' })).toEqual({
      kind: 'postpone',
      reason: 'email_blocked',
      until: at9('2026-11-23'),
    });
  });
});

describe('the schedule puts hand-overs on business days', () => {
  it('nextActionFor and nextAfterStep move a hand-over off a weekend or holiday, and leave other stages alone', () => {
    // due 2027-03-02 + 56 = Tuesday 27 April 2027, Koningsdag
    expect(nextActionFor(consumer, '2027-03-02', 3)).toEqual(at9('2027-04-28'));
    expect(nextAfterStep(consumer, '2027-03-02', 3, '2027-04-06', 'consumer')).toEqual(at9('2027-04-28'));
    // a reminder may fall on a Saturday
    expect(nextActionFor(consumer, '2027-04-24', 0)).toEqual(at9('2027-05-01'));
  });
});

describe('predictStep: the same decision, run forward to the day the pass acts', () => {
  it('a hand-over after a delivered letter: on the first business day after the term, with the letter’s costs', () => {
    const prediction = predictStep(
      {
        ...consumerAt(3, { letter: letter('delivered', '2026-12-06', '2026-12-07') }),
        nextActionAt: at9('2026-12-28'),
      },
      { now: at9('2026-12-10') },
    );
    expect(prediction).toMatchObject({
      kind: 'step',
      day: '2026-12-28',
      handover: true,
      addedCostsCents: bikCosts(50_000),
    });
  });

  it('the walk’s defect: no fourteen-day letter on record, so the hand-over charges nothing', () => {
    const prediction = predictStep({ ...consumerAt(3), nextActionAt: at9('2026-12-28') }, { now: at9('2026-12-20') });
    expect(prediction).toMatchObject({ kind: 'step', handover: true, addedCostsCents: 0, costsCents: 0 });
  });

  it('a late delivery pushes the hand-over past the term; a hand-over due on a Saturday is predicted for Monday', () => {
    const late = predictStep(
      {
        ...consumerAt(3, { letter: letter('delivered', '2026-12-06', '2026-12-20') }),
        nextActionAt: at9('2026-12-28'),
      },
      { now: at9('2026-12-21') },
    );
    // delivered 20 December: term 21 Dec - 3 Jan, owed from Monday 4 January 2027
    expect(late).toMatchObject({ kind: 'step', day: '2027-01-04' });
    const saturday = predictStep({ ...consumerAt(3), nextActionAt: at9('2027-05-01') }, { now: at9('2027-04-20') });
    expect(saturday).toMatchObject({ kind: 'step', day: '2027-05-03' });
  });

  it('a letter still queued is taken to go out today', () => {
    const queued = predictStep(
      { ...consumerAt(3, { letter: letter('queued', '2026-12-06') }), nextActionAt: at9('2026-12-28') },
      { now: at9('2026-12-28') },
    );
    // sent 28 Dec, delivered 29 Dec, term until 12 Jan, owed from 13 January
    expect(queued).toMatchObject({ kind: 'step', day: '2027-01-13', addedCostsCents: bikCosts(50_000) });
  });

  it('a next action in the evening is taken by the next morning’s pass; a finished sequence predicts nothing', () => {
    expect(firstPassDay(new Date('2026-12-01T17:30:00Z'))).toBe('2026-12-02');
    expect(firstPassDay(new Date('2026-12-01T05:00:00Z'))).toBe('2026-12-01');
    expect(predictStep({ ...consumerAt(4), nextActionAt: null }, { now: at9('2027-01-05') })).toEqual({ kind: 'end' });
  });

  it('final notices due the same day are one letter: its costs are the staffel once, shared', () => {
    const two = [30_000, 10_000].map((openCents) => ({
      ...consumerAt(2),
      invoice: { dueDate: '2026-11-01', openCents, costsCents: 0, interestCents: 0, dunningStage: 2 },
      nextActionAt: at9('2026-12-06'),
    }));
    const [a, b] = predictSteps(two, { now: at9('2026-12-01') });
    expect(letterShares([30_000, 10_000])).toEqual([4_500, 1_500]);
    expect(a).toMatchObject({ kind: 'step', announcedCostsCents: 4_500 });
    expect(b).toMatchObject({ kind: 'step', announcedCostsCents: 1_500 });
    // alone, each would announce the staffel on its own principal
    expect(bikCosts(30_000) + bikCosts(10_000)).toBeGreaterThan(6_000);
  });

  it('a policy with a reminder after the letter: that reminder adds the letter’s costs, the hand-over after it adds none', () => {
    const stages: DunningStage[] = [
      { key: 'friendly', offsetDays: 7, template: 'friendly_reminder', addsCosts: false },
      { key: 'final', offsetDays: 21, template: 'final_notice', addsCosts: true },
      { key: 'second', offsetDays: 40, template: 'second_reminder', addsCosts: false },
      { key: 'collection', offsetDays: 60, template: 'collection_handover', addsCosts: false },
    ];
    const after = {
      ...consumerAt(2, { stages, letter: letter('delivered', '2026-11-22') }),
      nextActionAt: at9('2026-12-11'),
    };
    expect(predictStep(after, { now: at9('2026-12-01') })).toMatchObject({
      stage: { template: 'second_reminder' },
      addedCostsCents: bikCosts(50_000),
    });
    const handover = {
      ...consumerAt(3, { stages, letter: letter('delivered', '2026-11-22') }),
      invoice: { dueDate: '2026-11-01', openCents: 50_000, costsCents: 9_075, interestCents: 0, dunningStage: 3 },
      nextActionAt: at9('2026-12-31'),
    };
    expect(predictStep(handover, { now: at9('2026-12-20') })).toMatchObject({
      stage: { template: 'collection_handover' },
      addedCostsCents: 0,
      costsCents: 9_075,
    });
  });
});
