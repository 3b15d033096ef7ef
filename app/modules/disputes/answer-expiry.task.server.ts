/**
 * The disputes' background work, registered with the job worker (imported from
 * app/server/tasks.server.ts): every hour, part credits whose answer term ran out close with the
 * credit and dunning resumes on the rest. Idempotent: a run finds only what is still waiting.
 */
import { registerCron, registerTask } from '~/modules/jobs/index.server';
import { closeUnansweredPartCredits } from './resolve.server';

export const DISPUTE_ANSWER_EXPIRY_TASK = 'dispute_answer_expiry';

registerTask(DISPUTE_ANSWER_EXPIRY_TASK, async (_payload, helpers) => {
  const { closed } = await closeUnansweredPartCredits();
  if (closed.length > 0) helpers.logger.info(`${DISPUTE_ANSWER_EXPIRY_TASK}: ${closed.length} closed`);
});
// The job key collapses a tick and its backfill after downtime into one run.
registerCron(
  `17 * * * * ${DISPUTE_ANSWER_EXPIRY_TASK} ?fill=1h&jobKey=${DISPUTE_ANSWER_EXPIRY_TASK}&jobKeyMode=preserve_run_at`,
);
