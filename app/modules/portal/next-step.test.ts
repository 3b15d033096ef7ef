import { describe, expect, it } from 'vitest';
import { amsterdamInstant } from '~/utils/clock';
import { translate, type MessageKey, type Params } from '~/utils/i18n';
import { describeNextStep, describeStage } from '~/ui/portal/next-step-text';
import { bikCosts } from '~/modules/dunning/collection-costs';
import { DEFAULT_DUNNING_POLICY } from '~/modules/dunning/default-policy';
import { predictStep, predictSteps, type LetterOnRecord } from '~/modules/dunning/step-plan';
import { currentStages, nextStep } from './next-step';

const consumer = DEFAULT_DUNNING_POLICY.consumer;
const at9 = (day: string) => amsterdamInstant(day, 9);
const words = {
  t: (key: MessageKey, params?: Params) => translate('nl', key, params),
  locale: 'nl' as const,
  organizationName: 'Acme',
};
/** Amounts are written with a no-break space ("€ 150,00"); compared here with a plain one. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');
const say = (next: Parameters<typeof describeNextStep>[0]) => plain(describeNextStep(next, words));

const base: {
  status: 'open' | 'paid';
  dueDate: string;
  openCents: number;
  costsCents: number;
  interestCents: number;
  dunningStage: number;
  nextActionAt: Date | null;
  collectionAt: Date | null;
} = {
  status: 'open',
  dueDate: '2026-10-01',
  openCents: 100_000,
  costsCents: 0,
  interestCents: 0,
  dunningStage: 0,
  nextActionAt: at9('2026-10-08'),
  collectionAt: null,
};

function predicted(invoice: typeof base, now: string, letter: LetterOnRecord | null = null) {
  return predictStep(
    { kind: 'consumer', stages: consumer, invoice, letter, emailBlocked: false, nextActionAt: invoice.nextActionAt },
    { now: at9(now) },
  );
}

describe('nextStep: the engine’s prediction in the debtor’s terms', () => {
  it('says nothing happens before the due date, then names the first reminder', () => {
    const notDue = { ...base, dueDate: '2026-12-01', nextActionAt: at9('2026-12-08') };
    expect(nextStep(notDue, predicted(notDue, '2026-11-23'), [], '2026-11-23')).toMatchObject({
      kind: 'not_due',
      firstReminderAt: at9('2026-12-08'),
    });
    const next = nextStep(base, predicted(base, '2026-10-05'), [], '2026-10-05');
    expect(next).toMatchObject({ kind: 'reminder', template: 'friendly_reminder', costsCents: 0 });
    expect(say(next)).toBe('Op 8 oktober 2026 sturen we u een vriendelijke herinnering.');
  });

  it('the final notice states the costs the fourteen-day letter will announce, and the term', () => {
    const invoice = { ...base, dunningStage: 2, nextActionAt: at9('2026-11-05') };
    const next = nextStep(invoice, predicted(invoice, '2026-10-30'), [], '2026-10-30');
    // predictStep alone: no letter group yet; predictSteps shares the letter's costs
    const [grouped] = predictSteps(
      [
        {
          kind: 'consumer',
          stages: consumer,
          invoice,
          letter: null,
          emailBlocked: false,
          nextActionAt: invoice.nextActionAt,
        },
      ],
      { now: at9('2026-10-30') },
    );
    const withShare = nextStep(invoice, grouped, [], '2026-10-30');
    expect(next).toMatchObject({ template: 'final_notice', graceDays: 14 });
    expect(withShare).toMatchObject({ template: 'final_notice', costsCents: 15_000, graceDays: 14 });
    expect(say(withShare)).toBe(
      'Op 5 november 2026 sturen we u een laatste aanmaning. Betaalt u daarna niet binnen 14 dagen, dan komen er € 150,00 incassokosten bij.',
    );
  });

  it('the hand-over after a letter that never arrived promises no costs (the defect of the walk)', () => {
    const invoice = { ...base, dunningStage: 3, nextActionAt: at9('2026-11-26') };
    const bounced: LetterOnRecord = {
      communicationId: 'c',
      status: 'bounced',
      sentAt: at9('2026-11-05'),
      deliveredAt: null,
      announcedCostsCents: 15_000,
    };
    const next = nextStep(invoice, predicted(invoice, '2026-11-20', bounced), [], '2026-11-20');
    expect(next).toMatchObject({ kind: 'reminder', template: 'collection_handover', costsCents: 0 });
    expect(say(next)).toBe('Op 26 november 2026 dragen we de vordering over aan een incassobureau.');
    const delivered = { ...bounced, status: 'delivered' };
    const withCosts = nextStep(invoice, predicted(invoice, '2026-11-20', delivered), [], '2026-11-20');
    expect(say(withCosts)).toBe(
      'Op 26 november 2026 dragen we de vordering over aan een incassobureau. Er komen dan € 150,00 incassokosten bij.',
    );
    expect(currentStages(invoice, { kind: 'consumer', stages: consumer, letter: delivered }, '2026-11-12')).toEqual([
      { kind: 'letter_term', sentOn: '2026-11-05', lastDay: '2026-11-20', costsCents: 15_000 },
    ]);
    expect(
      plain(
        describeStage(
          { kind: 'letter_term', sentOn: '2026-11-05', lastDay: '2026-11-20', costsCents: bikCosts(100_000) },
          words,
        ),
      ),
    ).toBe(
      'Op 5 november 2026 stuurden we u een laatste aanmaning. Betaalt u uiterlijk 20 november 2026, dan komen er geen incassokosten bij; daarna € 150,00.',
    );
  });

  it('a handed-over invoice shows the hand-over as its stage, also while it is paused', () => {
    const handed = { ...base, dunningStage: 4, nextActionAt: null, collectionAt: at9('2026-11-26') };
    const next = nextStep(handed, predicted(handed, '2026-12-01'), [], '2026-12-01');
    expect(next).toEqual({ kind: 'handed_over', on: '2026-11-26', agency: null });
    expect(say(next)).toBe('U krijgt van Acme geen herinneringen meer over deze factuur.');
    const stages = currentStages(handed, { kind: 'consumer', stages: consumer, letter: null }, '2026-12-01');
    expect(stages).toEqual([{ kind: 'handed_over', on: '2026-11-26', agency: null }]);
    expect(describeStage(stages[0], words)).toBe(
      'Uw vordering is op 26 november 2026 overgedragen aan een incassobureau. Neem contact op met Acme als u wilt weten wie u benadert, of om de betaling te regelen.',
    );
    const paused = nextStep(handed, null, [{ reason: 'payment_plan', until: null }], '2026-12-01');
    expect(paused).toMatchObject({ kind: 'paused', reason: 'payment_plan' });
    expect(currentStages(handed, { kind: 'consumer', stages: consumer, letter: null }, '2026-12-01')).toHaveLength(1);
  });

  it('while the debtor’s address is blocked the engine holds, and the portal says to get in touch', () => {
    const held = predictStep(
      {
        kind: 'consumer',
        stages: consumer,
        invoice: base,
        letter: null,
        emailBlocked: true,
        nextActionAt: base.nextActionAt,
      },
      { now: at9('2026-10-09') },
    );
    const next = nextStep(base, held, [], '2026-10-09');
    expect(next).toEqual({ kind: 'held' });
    expect(say(next)).toBe(
      'We kunnen u nu geen e-mail over deze factuur sturen. Neem contact op met Acme om de betaling te regelen.',
    );
  });

  it('prefers a pause over anything else, and a settled invoice over a pause', () => {
    const pause = { reason: 'payment_plan' as const, until: null };
    expect(nextStep(base, null, [pause], '2026-10-30')).toEqual({
      kind: 'paused',
      reason: 'payment_plan',
      until: null,
    });
    expect(nextStep({ ...base, status: 'paid', openCents: 0 }, null, [pause], '2026-10-30')).toEqual({
      kind: 'settled',
    });
  });

  it('the business final notice names the compensation and the interest up to that day', () => {
    const invoice = {
      ...base,
      dueDate: '2024-12-01',
      openCents: 10_000,
      dunningStage: 2,
      nextActionAt: at9('2025-01-05'),
    };
    const prediction = predictStep(
      {
        kind: 'business',
        stages: DEFAULT_DUNNING_POLICY.business,
        invoice,
        letter: null,
        emailBlocked: false,
        nextActionAt: invoice.nextActionAt,
      },
      { now: at9('2025-01-02') },
    );
    const next = nextStep(invoice, prediction, [], '2025-01-02');
    expect(next).toMatchObject({ costsCents: 4_000, interestCents: 116, claimsInterest: true });
    expect(say(next)).toBe(
      'Op 5 januari 2025 sturen we u een laatste aanmaning met € 40,00 vergoeding voor incassokosten en € 1,16 wettelijke handelsrente (berekend tot die dag).',
    );
  });
});
