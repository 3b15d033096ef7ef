/**
 * The dunning engine's background work, registered with the job worker (imported from
 * app/server/tasks.server.ts): the hourly pass and the send-time re-check of reminders.
 */
import type { Task } from 'graphile-worker';
import { systemClock, type Clock } from '~/utils/clock';
import { registerCron, registerTask } from '~/modules/jobs/index.server';
import { registerSendCheck } from '~/modules/mail/index.server';
import { runDunningPass, type DunningPassResult } from './pass.server';
import { DUNNING_TEMPLATES } from './policy';
import { inSendWindow } from './schedule';
import { dunningSendCheck } from './send-check.server';

export const DUNNING_PASS_TASK = 'dunning_pass';

/**
 * UTC hours whose passes can fall in the sending window (09:00-18:00 Europe/Amsterdam in both
 * winter and summer time); the task itself checks the window, so DST never sends at night.
 */
export const PASS_HOURS_UTC = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/**
 * One crontab line per hour, each with its own job key `dunning-pass:<HH>`: graphile-worker's
 * known_crontabs makes each tick fire once however many workers run the cron, and the job key
 * collapses a tick (and its backfill after downtime) into one pending pass. Two passes that do
 * run at once are safe anyway: they lock debtors with SKIP LOCKED.
 */
export function dunningCrontab(): string[] {
  return PASS_HOURS_UTC.map((h) => {
    const hh = String(h).padStart(2, '0');
    return `0 ${h} * * * ${DUNNING_PASS_TASK} ?id=${DUNNING_PASS_TASK}_${hh}&fill=1h&jobKey=dunning-pass:${hh}&jobKeyMode=preserve_run_at`;
  });
}

export function describePass(result: DunningPassResult): string {
  const templates = Object.entries(result.messagesByTemplate)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  return (
    `dunning pass ${result.asOf}: ${result.steps} invoices advanced, ${result.messages} messages` +
    (templates ? ` (${templates})` : '') +
    `, ${Object.values(result.postponed).reduce((a, b) => a + b, 0)} postponed, ${result.ended} ended, ` +
    `${result.handedOver} handed over, ${result.batches} batches`
  );
}

/** The cron task: one pass over every creditor, only inside the sending window. */
export function makeDunningPassTask(clock: Clock = systemClock): Task {
  return async (_payload, helpers) => {
    const now = clock.now();
    if (!inSendWindow(now)) {
      helpers.logger.debug(`${DUNNING_PASS_TASK}: outside the sending window, nothing done`);
      return;
    }
    const result = await runDunningPass({ clock: { now: () => now } });
    helpers.logger.info(describePass(result));
    for (const warning of result.warnings) helpers.logger.warn(`${DUNNING_PASS_TASK}: ${warning}`);
  };
}

registerTask(DUNNING_PASS_TASK, makeDunningPassTask());
for (const line of dunningCrontab()) registerCron(line);
const check = dunningSendCheck();
for (const template of DUNNING_TEMPLATES) registerSendCheck(template, check);
