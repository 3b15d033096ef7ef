import type { PortalInvoice } from '~/modules/portal/index.server';
import { useT, useTn } from '~/utils/i18n/react';

export function StatusBadge({ invoice }: { invoice: Pick<PortalInvoice, 'status' | 'overdueDays' | 'next'> }) {
  const t = useT();
  const tn = useTn();
  if (invoice.status !== 'open') {
    return (
      <span className={`badge ${invoice.status === 'paid' ? 'ok' : 'neutral'}`}>
        {t(`portal.status.${invoice.status}`)}
      </span>
    );
  }
  if (invoice.next.kind === 'paused') return <span className="badge info">{t('portal.status.paused')}</span>;
  if (invoice.overdueDays > 0) {
    return (
      <span className={`badge ${invoice.overdueDays > 30 ? 'bad' : 'warn'}`}>
        {tn('portal.status.overdue', invoice.overdueDays)}
      </span>
    );
  }
  return <span className="badge neutral">{t('portal.status.open')}</span>;
}
