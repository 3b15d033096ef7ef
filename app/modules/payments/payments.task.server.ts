/**
 * Background work of the payments module:
 * - payment_received_email: the confirmation email of a settled payment (enqueued by the ledger).
 * - payments_reconcile (every 10 minutes): payments still open or pending well after their
 *   checkout expired ask their provider once more, in case a webhook was lost; a checkout that
 *   never reached the provider is closed as failed. Either way the payment's dunning pause ends.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { registerCron, registerTask } from '~/modules/jobs/index.server';
import { PAYMENT_RECEIVED_TASK, queuePaymentReceived } from '~/modules/ledger/index.server';
import { reconcileStalePayments } from './reconcile.server';

const Payload = z.object({ paymentId: z.uuid() });

export const paymentReceivedTask: Task = async (payload, helpers) => {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    helpers.logger.error(`${PAYMENT_RECEIVED_TASK}: bad payload ${JSON.stringify(payload)}`);
    return;
  }
  await queuePaymentReceived(parsed.data.paymentId);
};

export const RECONCILE_TASK = 'payments_reconcile';

registerTask(PAYMENT_RECEIVED_TASK, paymentReceivedTask);
registerTask(RECONCILE_TASK, async (_payload, helpers) => {
  const summary = await reconcileStalePayments();
  if (summary.checked > 0) helpers.logger.info(`${RECONCILE_TASK}: ${JSON.stringify(summary)}`);
});
registerCron(`*/10 * * * * ${RECONCILE_TASK} ?fill=30m&jobKey=${RECONCILE_TASK}&jobKeyMode=preserve_run_at`);
