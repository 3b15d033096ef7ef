import type { Communication } from '~db/schema';

/** The badge class (app.css) for a communication status. */
export const STATUS_BADGE: Record<Communication['status'], 'ok' | 'warn' | 'bad' | 'info' | 'neutral'> = {
  queued: 'neutral',
  sent: 'info',
  delivered: 'ok',
  opened: 'ok',
  bounced: 'bad',
  complained: 'bad',
  failed: 'bad',
  cancelled: 'warn',
};
