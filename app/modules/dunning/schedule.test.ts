import { describe, expect, it } from 'vitest';
import { DEFAULT_DUNNING_POLICY } from './default-policy';
import { consumerCostsOwedFrom, inSendWindow, nextAfterStep, nextActionFor } from './schedule';

const consumer = DEFAULT_DUNNING_POLICY.consumer;
const business = DEFAULT_DUNNING_POLICY.business;

describe('nextAfterStep', () => {
  it('follows the due date when the steps run on time (09:00 Amsterdam, summer and winter time)', () => {
    // friendly done on 2026-11-08 (due + 7): second reminder on due + 21
    expect(nextAfterStep(consumer, '2026-11-01', 1, '2026-11-08', 'consumer')?.toISOString()).toBe(
      '2026-11-22T08:00:00.000Z',
    );
    expect(nextAfterStep(consumer, '2026-06-01', 1, '2026-06-08', 'consumer')?.toISOString()).toBe(
      '2026-06-22T07:00:00.000Z',
    );
  });

  it('never comes sooner than the gap between the two stages after a late step', () => {
    // friendly only went out on 2026-12-01 (after a pause): the second reminder is 14 days later, not on 2026-11-22
    expect(nextAfterStep(consumer, '2026-11-01', 1, '2026-12-01', 'consumer')?.toISOString()).toBe(
      '2026-12-15T08:00:00.000Z',
    );
  });

  it('waits for the consumer term after a final notice, even under a policy with a short gap', () => {
    const tight = [...consumer.slice(0, 3), { ...consumer[3], offsetDays: 40 }];
    expect(nextAfterStep(tight, '2026-11-01', 3, '2026-12-06', 'consumer')?.toISOString()).toBe(
      '2026-12-22T08:00:00.000Z',
    );
    // a business has no such term
    const fast = [
      ...business,
      { key: 'collection', offsetDays: 40, template: 'collection_handover' as const, addsCosts: false },
    ];
    expect(nextAfterStep(fast, '2026-11-01', 3, '2026-12-06', 'business')?.toISOString()).toBe(
      '2026-12-11T08:00:00.000Z',
    );
  });

  it('returns null when the sequence is finished', () => {
    expect(nextAfterStep(business, '2026-11-01', 3, '2026-12-06', 'business')).toBeNull();
    expect(nextActionFor(business, '2026-11-01', 3)).toBeNull();
  });
});

describe('consumerCostsOwedFrom', () => {
  it('counts 14 days from the day after delivery, taking delivery as the day after sending', () => {
    // sent 6 Dec (late evening in Amsterdam is still 6 Dec): delivered 7 Dec, term 8-21 Dec, owed from 22 Dec
    expect(consumerCostsOwedFrom(new Date('2026-12-06T21:30:00Z'))).toBe('2026-12-22');
    // 23:30 UTC on 6 Dec is 00:30 on 7 Dec in Amsterdam: sent on the 7th
    expect(consumerCostsOwedFrom(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-23');
  });

  it('uses a later reported delivery, never an earlier one', () => {
    expect(consumerCostsOwedFrom(new Date('2026-12-06T09:00:00Z'), new Date('2026-12-09T10:00:00Z'))).toBe(
      '2026-12-24',
    );
    expect(consumerCostsOwedFrom(new Date('2026-12-06T09:00:00Z'), new Date('2026-12-06T09:01:00Z'))).toBe(
      '2026-12-22',
    );
  });
});

describe('inSendWindow', () => {
  it('is open from 09:00 to 18:00 Amsterdam time', () => {
    expect(inSendWindow(new Date('2026-12-15T07:59:00Z'))).toBe(false); // 08:59 CET
    expect(inSendWindow(new Date('2026-12-15T08:00:00Z'))).toBe(true); // 09:00 CET
    expect(inSendWindow(new Date('2026-12-15T16:59:00Z'))).toBe(true); // 17:59 CET
    expect(inSendWindow(new Date('2026-12-15T17:00:00Z'))).toBe(false); // 18:00 CET
    expect(inSendWindow(new Date('2026-07-15T07:00:00Z'))).toBe(true); // 09:00 CEST
  });
});
