import type { JobHelpers, Task } from 'graphile-worker';
import { z } from 'zod';
import { MAX_SEND_ATTEMPTS, RetryableSendError, SEND_TASK, sendCommunication } from './outbox.server';
import { registerTask } from '~/modules/jobs/index.server';

const Payload = z.object({ id: z.uuid() });

/** graphile-worker's own delay before retry n (it waits exp(min(attempts, 10)) seconds). */
export function workerBackoffMs(attempts: number): number {
  return Math.exp(Math.min(attempts, 10)) * 1000;
}

/**
 * Sends one communication. A retryable failure is rethrown so graphile-worker retries with
 * backoff; when Retry-After asks for longer than that backoff, the job is put back with run_at
 * at the Retry-After instant instead (same job key, so it stays one job).
 */
export const sendCommunicationTask: Task = async (payload, helpers: JobHelpers) => {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    helpers.logger.error(`${SEND_TASK}: bad payload ${JSON.stringify(payload)}`);
    return;
  }
  const { id } = parsed.data;
  const finalAttempt = helpers.job.attempts >= Math.min(helpers.job.max_attempts, MAX_SEND_ATTEMPTS);
  try {
    await sendCommunication(id, { finalAttempt });
  } catch (error) {
    if (error instanceof RetryableSendError && error.retryAfterMs !== undefined) {
      if (error.retryAfterMs > workerBackoffMs(helpers.job.attempts)) {
        await helpers.addJob(
          SEND_TASK,
          { id },
          {
            jobKey: `comm:${id}`,
            runAt: new Date(Date.now() + error.retryAfterMs),
            maxAttempts: Math.max(1, helpers.job.max_attempts - helpers.job.attempts),
          },
        );
        helpers.logger.info(`${SEND_TASK} ${id}: rescheduled after Retry-After ${error.retryAfterMs} ms`);
        return;
      }
    }
    throw error;
  }
};

registerTask(SEND_TASK, sendCommunicationTask);
