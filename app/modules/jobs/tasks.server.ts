/**
 * Every module that contributes jobs is imported here, so a worker (in the web process or
 * `npm run worker`) knows all tasks, crontab lines and send checks before it starts.
 *
 * To add one: in your module, call `registerTask(name, fn)` / `registerCron(line)` from
 * ./registry.server (and `registerSendCheck` from ../mail/outbox.server) at the top level of a
 * `*.server.ts` file, then import that file below.
 */
import './send-communication.task.server';
import '../bank/transfer-notices.task.server';
import '../dunning/tasks.server';
import '../links/fresh-link.task.server';
import '../payments/tasks.server';
import '../plans/maintenance.server';

export { registerCron, registerTask, registeredCrontab, registeredTaskList } from './registry.server';
