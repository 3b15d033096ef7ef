import type { DisputeOutcome, DisputeStatus } from '~/modules/disputes/constants';
import type { UiContext } from './types';

const LEVEL: Record<DisputeStatus, string> = {
  open: 'info',
  awaiting_support: 'info',
  awaiting_debtor: 'warn',
  resolved: 'ok',
  withdrawn: 'neutral',
};

export function DisputeStatusBadge({
  status,
  outcome,
  viewer,
  t,
}: Pick<UiContext, 't'> & { status: DisputeStatus; outcome: DisputeOutcome | null; viewer: 'debtor' | 'staff' }) {
  const label =
    status === 'resolved' && outcome
      ? t(`dispute.outcome.${outcome}`)
      : viewer === 'debtor'
        ? t(`dispute.status.debtor.${status}`)
        : t(`dispute.status.${status}`);
  return <span className={`badge ${LEVEL[status]}`}>{label}</span>;
}
