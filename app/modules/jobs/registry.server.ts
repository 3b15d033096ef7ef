/**
 * The job registry: modules add their graphile-worker tasks and crontab lines here, and the
 * worker runs whatever is registered when it starts. Registering is idempotent per name, so
 * importing a module twice (tests, hot reload) does no harm.
 */
import type { Task } from 'graphile-worker';

const tasks = new Map<string, Task>();
const cronLines = new Set<string>();

export function registerTask(name: string, task: Task) {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`task names are snake_case identifiers, got "${name}"`);
  tasks.set(name, task);
}

/**
 * A graphile-worker crontab line, e.g. `*\/15 * * * * dunning_pass ?fill=1h&jobKey=dunning_pass&jobKeyMode=preserve_run_at`.
 * Its task must be registered too.
 */
export function registerCron(line: string) {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return;
  cronLines.add(trimmed);
}

export function registeredTaskList(): Record<string, Task> {
  return Object.fromEntries(tasks);
}

export function registeredCrontab(): string {
  return [...cronLines].join('\n');
}
