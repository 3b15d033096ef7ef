/**
 * The job behind "email me a new link" (/link-help): the web request only throttles and enqueues
 * (fresh-link.server.ts requestFreshLink), so the lookup, the link, the email and the audit happen
 * here, after the answer. Imported by app/server/tasks.server.ts.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { systemClock, type Clock } from '~/utils/clock';
import { registerTask } from '~/modules/jobs/index.server';
import { FRESH_LINK_TASK, sendFreshLinks } from './fresh-link.server';

const Payload = z.object({
  email: z.email().max(320),
  organizationId: z.uuid().nullable(),
  ip: z.string().max(100),
  requestedAt: z.iso.datetime(),
});

export function makeFreshLinkTask(clock: Clock = systemClock): Task {
  return async (payload, helpers) => {
    const parsed = Payload.safeParse(payload);
    // The payload holds an email address: the log names the job, never its contents.
    if (!parsed.success) return void helpers.logger.error(`${FRESH_LINK_TASK} job ${helpers.job.id}: bad payload`);
    const sent = await sendFreshLinks(parsed.data, { clock });
    helpers.logger.info(
      sent > 0
        ? `${FRESH_LINK_TASK} job ${helpers.job.id}: ${sent} link(s) issued and queued`
        : `${FRESH_LINK_TASK} job ${helpers.job.id}: no active debtor with that address; nothing sent`,
    );
  };
}

registerTask(FRESH_LINK_TASK, makeFreshLinkTask());
