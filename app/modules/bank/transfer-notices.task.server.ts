/**
 * The transfer notices' background work, registered with the job worker (imported from
 * app/server/tasks.server.ts): every 15 minutes, notices whose pause ran out without money
 * lapse, dunning resumes and finance is told. Idempotent: a run finds only what is still waiting.
 */
import { registerCron, registerTask } from '~/modules/jobs/index.server';
import { lapseTransferNotices } from './transfer-notices.server';

export const TRANSFER_NOTICES_LAPSE_TASK = 'transfer_notices_lapse';

registerTask(TRANSFER_NOTICES_LAPSE_TASK, async (_payload, helpers) => {
  const summary = await lapseTransferNotices();
  if (summary.lapsed + summary.closed > 0) {
    helpers.logger.info(`${TRANSFER_NOTICES_LAPSE_TASK}: ${summary.lapsed} lapsed, ${summary.closed} closed`);
  }
});
// The job key collapses a tick and its backfill after downtime into one run.
registerCron(
  `*/15 * * * * ${TRANSFER_NOTICES_LAPSE_TASK} ?fill=1h&jobKey=${TRANSFER_NOTICES_LAPSE_TASK}&jobKeyMode=preserve_run_at`,
);
