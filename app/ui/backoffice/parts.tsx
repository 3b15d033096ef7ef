/** Small shared pieces of the back-office pages (no data access). */
import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';
import type { FieldError } from '~/utils/i18n';
import { pauseReasonLabel } from '~/modules/debtors/index';
import { STATUS_BADGE } from '~/modules/mail/index';
import type { Locale, MessageKey } from '~/utils/i18n';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { centsToDecimalString, formatMoney } from '~/utils/money';

export function useMoney() {
  const locale = useLocale();
  return (cents: number) => formatMoney(cents, 'EUR', locale);
}

type InvoiceStatus = 'open' | 'paid' | 'credited' | 'written_off';

export function InvoiceStatusBadge({ status, overdueDays }: { status: InvoiceStatus; overdueDays: number }) {
  const t = useT();
  const tn = useTn();
  if (status !== 'open') {
    return <span className={`badge ${status === 'paid' ? 'ok' : 'neutral'}`}>{t(`bo.invoiceStatus.${status}`)}</span>;
  }
  if (overdueDays > 0) {
    return (
      <span className={`badge ${overdueDays > 30 ? 'bad' : 'warn'}`}>
        {tn('bo.invoiceStatus.overdueDays', overdueDays)}
      </span>
    );
  }
  return <span className="badge neutral">{t('bo.invoiceStatus.open')}</span>;
}

export function PauseBadges({ reasons }: { reasons: string[] }) {
  const locale = useLocale();
  if (reasons.length === 0) return null;
  return (
    <>
      {[...new Set(reasons)].map((r) => (
        <span key={r} className="badge info">
          {pauseReasonLabel(r, locale)}
        </span>
      ))}
    </>
  );
}

type CommStatus = keyof typeof STATUS_BADGE;
export function CommStatusBadge({ status }: { status: CommStatus }) {
  const t = useT();
  return <span className={`badge ${STATUS_BADGE[status]}`}>{t(`bo.commStatus.${status}`)}</span>;
}

/** An error line under a field; its id is what the input's aria-describedby names. */
export function FieldMessage({ id, error }: { id: string; error?: FieldError }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="field-error" id={id}>
      {t(error.key, error.params)}
    </p>
  );
}

/** The attributes that tie an input to its error. */
export function errorProps(id: string, error?: FieldError, hintId?: string) {
  const describedBy = [error ? `${id}-error` : null, hintId ?? null].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? (true as const) : undefined, 'aria-describedby': describedBy || undefined };
}

export function Pagination({
  page,
  pageCount,
  total,
  hrefFor,
}: {
  page: number;
  pageCount: number;
  total: number;
  hrefFor: (page: number) => string;
}) {
  const t = useT();
  const tn = useTn();
  return (
    <nav className="bo-pagination" aria-label={t('bo.list.pagination')}>
      <span className="small muted">{tn('bo.list.pageOf', total, { page, pages: pageCount })}</span>
      <span className="actions">
        {page > 1 ? (
          <Link className="button secondary" to={hrefFor(page - 1)} rel="prev">
            {t('bo.list.previous')}
          </Link>
        ) : null}
        {page < pageCount ? (
          <Link className="button secondary" to={hrefFor(page + 1)} rel="next">
            {t('bo.list.next')}
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

export function Section({
  title,
  id,
  children,
  actions,
}: {
  title: string;
  id: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="bo-section-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted bo-empty">{children}</p>;
}

/** A key that exists for this value, or a readable fallback. */
export function labelOr(t: (k: MessageKey) => string, key: string, known: readonly string[], value: string) {
  return known.includes(value) ? t(key as MessageKey) : value.replace(/_/g, ' ');
}

/** The message key for a debtor's flag reason (set by the mailer, the email webhooks, the dunning pass). */
export function flagReasonKey(reason: string | null) {
  switch (reason) {
    case 'email_failed':
    case 'email_bounced':
    case 'email_complained':
    case 'collection':
      return `bo.flag.${reason}` as const;
    default:
      return 'bo.flag.other' as const;
  }
}

/** A labelled text input with its hint and its error, tied together for assistive technology. */
export function TextField({
  name,
  label,
  hint,
  error,
  defaultValue,
  suffix,
  inputMode,
  type = 'text',
  maxLength = 20,
  narrow = true,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: FieldError;
  defaultValue: string;
  suffix?: string;
  inputMode?: 'numeric' | 'decimal' | 'email' | 'text';
  type?: 'text' | 'email' | 'password';
  maxLength?: number;
  narrow?: boolean;
}) {
  const hintId = hint ? `${name}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <div className="bo-input-row">
        <input
          id={name}
          name={name}
          type={type}
          inputMode={inputMode}
          defaultValue={defaultValue}
          maxLength={maxLength}
          className={narrow ? 'bo-narrow' : undefined}
          autoComplete="off"
          {...errorProps(name, error, hintId)}
        />
        {suffix ? <span className="muted">{suffix}</span> : null}
      </div>
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      <FieldMessage id={`${name}-error`} error={error} />
    </div>
  );
}

/** Cents as a person types them in this locale, without grouping: 2500 -> "25,00" / "25.00". */
export function centsInput(cents: number, locale: Locale) {
  const text = centsToDecimalString(cents);
  return locale === 'nl' ? text.replace('.', ',') : text;
}

/** The end day and note of a manual hold (debtor and invoice pages); the form around it is the page's. */
export function HoldFields({ errors }: { errors: Partial<Record<'until' | 'note', FieldError>> }) {
  const t = useT();
  return (
    <div className="bo-inline-fields">
      <div className="field">
        <label htmlFor="hold-until">{t('bo.debtor.holdUntil')}</label>
        <input
          id="hold-until"
          name="until"
          type="date"
          {...errorProps('hold-until', errors.until, 'hold-until-hint')}
        />
        <span className="hint" id="hold-until-hint">
          {t('bo.debtor.holdUntilHint')}
        </span>
        <FieldMessage id="hold-until-error" error={errors.until} />
      </div>
      <div className="field">
        <label htmlFor="hold-note">{t('bo.debtor.holdNote')}</label>
        <input id="hold-note" name="note" type="text" maxLength={500} {...errorProps('hold-note', errors.note)} />
        <FieldMessage id="hold-note-error" error={errors.note} />
      </div>
    </div>
  );
}
