import { describe, expect, it } from 'vitest';
import { parseArgs, report } from './cli';
import type { DunningPassResult } from './pass.server';

describe('npm run dunning', () => {
  it('reads --now as a day (09:00 Amsterdam) or an instant, and the other options', () => {
    expect(parseArgs(['--', '--now', '2026-12-15'])).toEqual({
      now: new Date('2026-12-15T08:00:00.000Z'),
      org: undefined,
      batch: undefined,
      send: false,
      json: false,
    });
    expect(parseArgs(['--now', '2026-07-01T12:30:00Z', '--batch', '50', '--send', '--org', 'abc'])).toMatchObject({
      now: new Date('2026-07-01T12:30:00Z'),
      batch: 50,
      send: true,
      org: 'abc',
    });
  });

  it('explains bad input', () => {
    expect(parseArgs(['--now', '2026-02-30'])).toBe('--now: 2026-02-30 is not a date');
    expect(parseArgs(['--now', 'tomorrow'])).toMatch(/neither YYYY-MM-DD nor an ISO instant/);
    expect(parseArgs(['--batch', '0'])).toMatch(/--batch/);
    expect(parseArgs(['--verbose'])).toBe('unknown option --verbose');
  });

  it('prints what the pass did', () => {
    const result: DunningPassResult = {
      asOf: '2026-12-15T08:00:00.000Z',
      day: '2026-12-15',
      batches: 1,
      debtors: 2,
      steps: 3,
      messages: 2,
      messagesByTemplate: { friendly_reminder: 1, final_notice: 1 },
      postponed: { term_running: 1, final_notice_unsent: 0, email_blocked: 0, not_business_day: 0 },
      ended: 0,
      handedOver: 0,
      costsAddedCents: 0,
      compensationClaimedCents: 4_000,
      interestClaimedCents: 123,
      flaggedDebtors: 0,
      warnings: ['statutory rate table: rates: stale'],
      samples: [
        {
          communicationId: 'c1',
          debtorId: 'd1',
          debtorName: 'Bakkerij Jansen',
          template: 'final_notice',
          stageKey: 'final',
          invoiceNumbers: ['VK-1', 'VK-2'],
          openCents: 60_500,
          costsCents: 4_000,
          interestCents: 123,
        },
      ],
      timingsMs: { select: 1, decide: 1, links: 1, queue: 1, write: 1 },
      cpuMs: { select: 1, decide: 1, links: 1, queue: 1, write: 1 },
    };
    const text = report(result);
    expect(text).toContain('messages queued: 2 (friendly_reminder 1, final_notice 1)');
    expect(text).toContain('1 waiting for the 14-day term');
    expect(text).toContain(
      'Bakkerij Jansen: final_notice [final] VK-1, VK-2: €\u00a0605,00 + costs €\u00a040,00 + interest €\u00a01,23',
    );
    expect(text).toContain('… and 1 more');
    expect(text).toContain('warning: statutory rate table');
    expect(text).toContain('--send to send them now');
  });
});
