import { textFor } from '~emails/messages';
import type { AmountLine } from './layout';
import type { DebtorEmailProps } from './types';

export function totalDue(props: Pick<DebtorEmailProps, 'totals'>): number {
  const { openCents, costsCents, interestCents } = props.totals;
  return openCents + (costsCents ?? 0) + (interestCents ?? 0);
}

/** Principal, then costs and interest as separate lines when there are any, then the total. */
export function openLines(props: DebtorEmailProps): AmountLine[] {
  const t = textFor(props.locale);
  const { openCents, costsCents, interestCents } = props.totals;
  const lines: AmountLine[] = [{ label: t('totals.open'), cents: openCents }];
  if (costsCents) lines.push({ label: t('totals.costs'), cents: costsCents });
  if (interestCents) lines.push({ label: t('totals.interest'), cents: interestCents });
  if (lines.length === 1) return [{ ...lines[0], strong: true }];
  return [...lines, { label: t('totals.total'), cents: totalDue(props), strong: true }];
}
