/**
 * The pieces of the bank-transfer page: values with a copy button, the "Ik heb het overgemaakt"
 * form, and the notice the debtor already gave. No data access; `t` and `locale` come in as
 * props so the same markup renders on the server, in the browser and in tests.
 */
import { useEffect, useRef, useState, type ElementType } from 'react';
import type { TransferNoticeErrors } from '~/modules/bank/index';
import { formatDate, translateCount, type Locale, type Params, type TextKey } from '~/utils/i18n';
import { formatMoney } from '~/utils/money';

type Translate = (key: TextKey, params?: Params) => string;

/**
 * Money as a bank app's amount field takes it: digits and the locale's decimal mark, no currency
 * and no thousands separators ("1632,73" in Dutch, "1632.73" in English).
 */
export function amountForCopy(cents: number, locale: Locale): string {
  const whole = Math.trunc(cents / 100);
  const fraction = String(Math.abs(cents % 100)).padStart(2, '0');
  return `${whole}${locale === 'nl' ? ',' : '.'}${fraction}`;
}

export type CopyAnnounce = (message: string) => void;

/**
 * A value the debtor may need in their banking app. Without JavaScript it is plain, selectable
 * text; once the page has hydrated and the browser offers a clipboard, a button beside it copies
 * `copyValue` and says so (on the button and in the page's live region).
 */
export function CopyValue({
  display,
  copyValue,
  label,
  t,
  announce,
  className,
  testId,
}: {
  display: string;
  copyValue: string;
  /** What is copied, for the button's accessible name and the announcement ("IBAN", "bedrag van factuur 2026-0001"). */
  label: string;
  t: Translate;
  announce: CopyAnnounce;
  className?: string;
  testId?: string;
}) {
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    setCanCopy(typeof navigator !== 'undefined' && typeof navigator.clipboard?.writeText === 'function');
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(copyValue);
      setCopied(true);
      announce(t('pay.transfer.copiedWhat', { what: label }));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(false), 2500);
    } catch {
      setCopied(false);
      announce(t('pay.transfer.copyFailed'));
    }
  };
  return (
    <span className="copy-value">
      <span className={className} data-testid={testId}>
        {display}
      </span>
      {canCopy ? (
        <button
          type="button"
          className="secondary copy-button"
          onClick={copy}
          // The accessible name holds the visible word ("Kopieer" / "Gekopieerd") and says what is copied.
          aria-label={
            copied ? t('pay.transfer.copiedWhat', { what: label }) : t('pay.transfer.copyLabel', { what: label })
          }
          data-copy={copyValue}
        >
          {copied ? t('pay.transfer.copied') : t('pay.transfer.copy')}
        </button>
      ) : null}
    </span>
  );
}

/** The page's one polite live region; CopyValue reports into it through `announce`. */
export function useCopyAnnouncer(): [string, CopyAnnounce] {
  const [message, setMessage] = useState('');
  const announce: CopyAnnounce = (text) => {
    // Clear first so the same message twice in a row is read out again.
    setMessage('');
    setTimeout(() => setMessage(text), 50);
  };
  return [message, announce];
}

export type WaitingNotice = {
  id: string;
  invoiceNumbers: string[];
  amountCents: number;
  announcedOn: string;
  lastDay: string;
};

/** What the debtor told us and what it means: no reminders until the last day, automatic matching. */
export function WaitingNoticeText({ notice, t, locale }: { notice: WaitingNotice; t: Translate; locale: Locale }) {
  return (
    <>
      <p>
        {t('pay.transfer.notice.done', {
          date: formatDate(notice.announcedOn, locale),
          amount: formatMoney(notice.amountCents, 'EUR', locale),
          until: formatDate(notice.lastDay, locale),
        })}
      </p>
      {notice.invoiceNumbers.length > 0 ? (
        <p className="small muted">
          {t('pay.transfer.notice.regarding', { numbers: notice.invoiceNumbers.join(', ') })}
        </p>
      ) : null}
    </>
  );
}

export function noticeErrorText(
  error: NonNullable<TransferNoticeErrors[keyof TransferNoticeErrors]>,
  t: Translate,
  locale: Locale,
) {
  const params: Params = { ...error.params };
  if (typeof error.params?.maxCents === 'number') params.max = formatMoney(error.params.maxCents, 'EUR', locale);
  return t(error.key, params);
}

/**
 * "Ik heb het overgemaakt": the transfer date (today by default, at most 30 days back) and,
 * optionally, the amount. A plain POST form: it works without JavaScript.
 */
export function TransferNoticeForm({
  invoiceIds,
  today,
  minDate,
  maxAgeDays,
  businessDays,
  totalCents,
  errors,
  values,
  busy,
  t,
  locale,
  Form = 'form',
}: {
  invoiceIds: string[];
  today: string;
  minDate: string;
  maxAgeDays: number;
  businessDays: number;
  totalCents: number;
  errors: TransferNoticeErrors;
  values: { transferredOn?: string; amount?: string } | null;
  busy: boolean;
  t: Translate;
  locale: Locale;
  /** Remix's <Form> in the page (same markup, no reload with JavaScript); a plain form in tests. */
  Form?: 'form' | ElementType;
}) {
  const described = (name: string, hint: boolean) =>
    [hint ? `${name}-hint` : null, errors[name as keyof TransferNoticeErrors] ? `${name}-error` : null]
      .filter(Boolean)
      .join(' ') || undefined;
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <section className="card stack transfer-notice" aria-labelledby="notice-title">
      <h2 id="notice-title">{t('pay.transfer.notice.title')}</h2>
      <p>{translateCount(locale, 'pay.transfer.notice.intro', businessDays)}</p>
      {hasErrors ? (
        <p className="alert error" role="alert">
          {t('pay.transfer.notice.fixErrors')}
        </p>
      ) : null}
      {errors.invoices ? (
        <p className="field-error" id="invoices-error">
          {noticeErrorText(errors.invoices, t, locale)}
        </p>
      ) : null}
      <Form method="post" className="stack" noValidate>
        {invoiceIds.map((id) => (
          <input key={id} type="hidden" name="invoice" value={id} />
        ))}
        <div className="field">
          <label htmlFor="transferredOn">{t('pay.transfer.notice.date')}</label>
          <input
            type="date"
            id="transferredOn"
            name="transferredOn"
            min={minDate}
            max={today}
            required
            defaultValue={values?.transferredOn ?? today}
            aria-invalid={errors.transferredOn ? true : undefined}
            aria-describedby={described('transferredOn', true)}
          />
          <p className="hint" id="transferredOn-hint">
            {translateCount(locale, 'pay.transfer.notice.dateHint', maxAgeDays)}
          </p>
          {errors.transferredOn ? (
            <p className="field-error" id="transferredOn-error">
              {noticeErrorText(errors.transferredOn, t, locale)}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="amount">{t('pay.transfer.notice.amount')}</label>
          <input
            type="text"
            id="amount"
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            maxLength={20}
            className="notice-amount"
            defaultValue={values?.amount ?? ''}
            aria-invalid={errors.amount ? true : undefined}
            aria-describedby={described('amount', true)}
          />
          <p className="hint" id="amount-hint">
            {t('pay.transfer.notice.amountHint', { amount: formatMoney(totalCents, 'EUR', locale) })}
          </p>
          {errors.amount ? (
            <p className="field-error" id="amount-error">
              {noticeErrorText(errors.amount, t, locale)}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {t('pay.transfer.notice.submit')}
          </button>
        </div>
      </Form>
    </section>
  );
}
