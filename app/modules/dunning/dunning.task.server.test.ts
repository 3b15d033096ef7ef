import { parseCrontab, type JobHelpers } from 'graphile-worker';
import { describe, expect, it } from 'vitest';
import { createDebtor, createInvoice, createOrganization } from '~test/factories';
import { communicationsOf } from '~test/factories-dunning';
import { fixedClock } from '~/utils/clock';
import { registeredCrontab, registeredTaskList } from '~/modules/jobs/registry.server';
import { DUNNING_PASS_TASK, dunningCrontab, makeDunningPassTask } from './dunning.task.server';

function helpers() {
  const lines: string[] = [];
  const log = (message: string) => void lines.push(message);
  return { lines, helpers: { logger: { debug: log, info: log, warn: log, error: log } } as unknown as JobHelpers };
}

describe('the dunning_pass cron task', () => {
  it('is registered hourly through the working day, each hour with its own job key', () => {
    expect(Object.keys(registeredTaskList())).toContain(DUNNING_PASS_TASK);
    const items = parseCrontab(dunningCrontab().join('\n'));
    expect(items).toHaveLength(10);
    expect(new Set(items.map((i) => i.identifier)).size).toBe(10);
    expect(items.map((i) => i.options.jobKey)).toEqual(
      ['07', '08', '09', '10', '11', '12', '13', '14', '15', '16'].map((h) => `dunning-pass:${h}`),
    );
    expect(items.every((i) => i.task === DUNNING_PASS_TASK && i.options.jobKeyMode === 'preserve_run_at')).toBe(true);
    // the whole registered crontab (with other modules' lines) still parses
    expect(() => parseCrontab(registeredCrontab())).not.toThrow();
  });

  it('runs a pass inside the sending window and does nothing at night', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org);
    await createInvoice(org, debtor, { dueDate: '2026-11-01' });
    const night = helpers();
    await makeDunningPassTask(fixedClock('2026-11-09T02:00:00Z'))({}, night.helpers);
    expect(await communicationsOf(debtor.id)).toHaveLength(0);

    const day = helpers();
    await makeDunningPassTask(fixedClock('2026-11-09T09:00:00Z'))({}, day.helpers);
    expect(await communicationsOf(debtor.id)).toHaveLength(1);
    expect(day.lines[0]).toMatch(/^dunning pass 2026-11-09T09:00:00.000Z: \d+ invoices advanced/);
  });
});
