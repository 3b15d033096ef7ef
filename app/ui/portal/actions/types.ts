import type { PortalInvoice } from '~/modules/portal/index.server';
import type { MessageKey, Params } from '~/utils/i18n';

export type Translate = (key: MessageKey, params?: Params) => string;
export type ActionContext = {
  invoice: Pick<PortalInvoice, 'id' | 'number' | 'status' | 'next' | 'openCents' | 'overdueDays'>;
  t: Translate;
};
export type OverviewContext = { openCount: number; overdueCount: number; t: Translate };
