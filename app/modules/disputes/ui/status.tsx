import type { DisputeKind, DisputeOutcome, DisputeStatus } from '~/modules/disputes/constants';
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
  kind = 'dispute',
  t,
}: Pick<UiContext, 't'> & {
  status: DisputeStatus;
  outcome: DisputeOutcome | null;
  viewer: 'debtor' | 'staff';
  kind?: DisputeKind;
}) {
  const label =
    kind === 'question' && status === 'resolved'
      ? t('dispute.status.questionClosed')
      : status === 'resolved' && outcome
        ? t(`dispute.outcome.${outcome}`)
        : viewer === 'debtor'
          ? t(`dispute.status.debtor.${status}`)
          : t(`dispute.status.${status}`);
  return <span className={`badge ${LEVEL[status]}`}>{label}</span>;
}

/** "Question" or "Dispute", so the two read apart in lists that hold both. */
export function DisputeKindBadge({ kind, t }: Pick<UiContext, 't'> & { kind: DisputeKind }) {
  return (
    <span className={`badge ${kind === 'question' ? 'neutral' : 'info'} kind-badge`}>{t(`dispute.kind.${kind}`)}</span>
  );
}
