/**
 * The composition root for jobs: every module that contributes jobs is imported here (and only
 * here: app/modules/jobs knows none of them), so a worker (in the web process or
 * `npm run worker`) knows all tasks, crontab lines and send checks before it starts.
 *
 * To add one: in your module, call `registerTask(name, fn)` / `registerCron(line)` from
 * app/modules/jobs/registry.server (and `registerSendCheck` from app/modules/mail/outbox.server) at the top level of a
 * `*.server.ts` file, then import that file below.
 */
import '~/modules/mail/send-communication.task.server';
import '~/modules/bank/transfer-notices.task.server';
import '~/modules/disputes/answer-expiry.task.server';
import '~/modules/dunning/dunning.task.server';
import '~/modules/links/fresh-link.task.server';
import '~/modules/payments/payments.task.server';
import '~/modules/plans/maintenance.server';

export { registerCron, registerTask, registeredCrontab, registeredTaskList } from '~/modules/jobs/registry.server';
