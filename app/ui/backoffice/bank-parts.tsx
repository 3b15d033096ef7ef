/** Pieces the back-office bank pages share (no data access). */
import type { ReactNode } from 'react';
import { formatDate } from '~/utils/i18n';
import { useLocale, useT } from '~/utils/i18n/react';
import { isSystemNoteCode } from '~/modules/bank/index';
import { useMoney } from './parts';

export type LineStatus = 'matched' | 'queued' | 'ignored' | 'debit' | 'reversal' | 'duplicate';
export type LineRule = 'reference' | 'invoice_number' | 'iban_amount' | 'manual' | 'name' | 'amount';

const STATUS_TONE: Record<LineStatus, string> = {
  matched: 'ok',
  queued: 'warn',
  ignored: 'neutral',
  debit: 'neutral',
  reversal: 'bad',
  duplicate: 'neutral',
};

export function StatusBadge({ status, rule }: { status: LineStatus; rule?: LineRule | null }) {
  const t = useT();
  return (
    <span className="bo-badges">
      <span className={`badge ${STATUS_TONE[status]}`}>{t(`bank.status.${status}`)}</span>
      {status === 'matched' && rule ? <span className="small muted">{t(`bank.rule.${rule}`)}</span> : null}
    </span>
  );
}

/** The importer's reason (`noteCode` + detail) translated, or a staff member's own words. */
export function NoteText({ code, detail, text }: { code: string | null; detail: string | null; text: string | null }) {
  const t = useT();
  const locale = useLocale();
  if (isSystemNoteCode(code)) {
    const shown = detail && /^\d{4}-\d{2}-\d{2}$/.test(detail) ? formatDate(detail, locale) : (detail ?? '—');
    return <span className="bank-note">{t(`bank.note.${code}`, { detail: shown })}</span>;
  }
  return text ? <span className="bank-note">{text}</span> : null;
}

export function Counterparty({ name, iban }: { name: string | null; iban: string | null }) {
  const t = useT();
  return (
    <>
      {name ?? <span className="muted">{t('bank.noCounterparty')}</span>}
      {iban ? <span className="bank-iban">{printIban(iban)}</span> : null}
    </>
  );
}

export function Description({
  remittance,
  structuredRef,
}: {
  remittance: string | null;
  structuredRef: string | null;
}) {
  const t = useT();
  if (!remittance && !structuredRef) return <span className="muted">{t('bank.noDescription')}</span>;
  return (
    <span className="bank-text">
      {remittance}
      {structuredRef ? <span className="bank-sub">{t('bank.reference', { reference: structuredRef })}</span> : null}
    </span>
  );
}

/** A line's amount with its direction: money in shows green with a plus, money out with a minus. */
export function LineAmount({ cents, direction }: { cents: number; direction: 'credit' | 'debit' }) {
  const money = useMoney();
  const t = useT();
  return (
    <span className={direction === 'credit' ? 'credit' : undefined}>
      <span aria-hidden="true">{direction === 'credit' ? '+ ' : '− '}</span>
      {money(cents)}
      <span className="visually-hidden"> ({t(direction === 'credit' ? 'bank.credit' : 'bank.debit')})</span>
    </span>
  );
}

/** Print form of an IBAN: groups of four. */
export function printIban(iban: string) {
  return iban.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** Label/number pairs of an outcome, wrapping as tiles on a phone. */
export function Figures({
  items,
}: {
  items: { label: string; value: ReactNode; tone?: 'ok' | 'warn'; testId?: string }[];
}) {
  return (
    <dl className="bank-figures">
      {items.map((item) => (
        <div key={item.label} className={item.tone ? `tone-${item.tone}` : undefined} data-testid={item.testId}>
          <dt>{item.label}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Period({ from, to }: { from: string | null; to: string | null }) {
  const t = useT();
  const locale = useLocale();
  if (!from && !to) return <>—</>;
  if (!from || !to || from === to) return <>{formatDate((from ?? to)!, locale, 'short')}</>;
  return (
    <>
      {t('bank.preview.periodRange', {
        from: formatDate(from, locale, 'short'),
        to: formatDate(to, locale, 'short'),
      })}
    </>
  );
}
