import type { ReactNode } from 'react';
import type { ActionContext, OverviewContext } from './types';

/** Actions this feature offers on one open invoice (none until its pages exist). */
export function invoiceActions(_ctx: ActionContext): ReactNode[] {
  return [];
}

/** Actions this feature offers over all open invoices. */
export function overviewActions(_ctx: OverviewContext): ReactNode[] {
  return [];
}
