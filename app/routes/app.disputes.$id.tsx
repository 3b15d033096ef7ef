import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import {
  AttachmentsField,
  DisputeStatusBadge,
  DisputeThread,
  errorText,
  FieldError,
  INTENT,
  MessageField,
  answerLastDay,
  PART_CREDIT_ANSWER_DAYS,
} from '~/modules/disputes/index';
import {
  addStaffMessage,
  assignDispute,
  closeQuestion,
  closeQuestionSchema,
  creditDispute,
  creditSchema,
  fieldErrors,
  type FieldErrors,
  getStaffDispute,
  messageSchema,
  readSubmission,
  refusalField,
  rejectDispute,
  rejectSchema,
  setQuestionHold,
} from '~/modules/disputes/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime, translate, type MessageKey } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { centsToDecimalString, formatMoney } from '~/utils/money';
import disputeStyles from '~/styles/disputes.css';
import { isUuid } from '~/utils/ids';
import { owedCents } from '~/modules/ledger/index';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: disputeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'support');
  const id = params.id ?? '';
  if (!isUuid(id)) notFound();
  const found = await getStaffDispute(staff, id);
  if (!found) notFound();
  return {
    ...found,
    title: translate(
      await getLocale(request),
      found.dispute.kind === 'question' ? 'dispute.staff.questionTitle' : 'dispute.staff.title',
      { number: found.invoice.number },
    ),
    organizationName: staff.organizationName,
    me: staff.id,
  };
}

const INTENTS = Object.values(INTENT) as string[];

export async function action({ request, params }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'support');
  const id = params.id ?? '';
  if (!isUuid(id)) notFound();
  const submission = await readSubmission(request);
  const intent = INTENTS.includes(submission.fields.intent ?? '') ? submission.fields.intent : undefined;
  const values = {
    message: submission.fields.message ?? '',
    amount: submission.fields.amount ?? '',
    note: submission.fields.note ?? '',
  };
  const refuse = (errors: FieldErrors, fileName?: string) =>
    data({ intent, errors, fileName, values }, { status: 400 });
  if (!submission.ok) return refuse(submission.errors, submission.fileName);

  let result: { ok: true } | { ok: false; error: Parameters<typeof refusalField>[0] | 'not_found' };
  switch (intent) {
    case INTENT.reply:
    case INTENT.note: {
      const parsed = messageSchema.safeParse(submission.fields);
      if (!parsed.success) return refuse(fieldErrors(parsed.error));
      result = await addStaffMessage(staff, id, {
        message: parsed.data.message,
        files: submission.files,
        internal: intent === INTENT.note,
      });
      break;
    }
    case INTENT.assignMe:
    case INTENT.unassign:
      result = await assignDispute(staff, id, intent === INTENT.assignMe ? staff.id : null);
      break;
    case INTENT.credit: {
      const parsed = creditSchema.safeParse(submission.fields);
      if (!parsed.success) return refuse(fieldErrors(parsed.error));
      result = await creditDispute(staff, id, { amountCents: parsed.data.amount, note: parsed.data.note || null });
      break;
    }
    case INTENT.reject: {
      const parsed = rejectSchema.safeParse(submission.fields);
      if (!parsed.success) return refuse(fieldErrors(parsed.error));
      result = await rejectDispute(staff, id, { note: parsed.data.note });
      break;
    }
    case INTENT.hold:
    case INTENT.liftHold:
      result = await setQuestionHold(staff, id, intent === INTENT.hold);
      break;
    case INTENT.close: {
      const parsed = closeQuestionSchema.safeParse(submission.fields);
      if (!parsed.success) return refuse(fieldErrors(parsed.error));
      result = await closeQuestion(staff, id, { liftHold: parsed.data.liftHold });
      break;
    }
    default:
      return refuse({ form: 'intent_invalid' });
  }
  if (!result.ok) {
    if (result.error === 'not_found') notFound();
    return refuse({ [refusalField(result.error)]: result.error });
  }
  return redirect(`/app/disputes/${id}?done=${intent}`);
}

const HISTORY: Record<string, MessageKey> = {
  'dispute.opened': 'dispute.history.opened',
  'dispute.debtor_replied': 'dispute.history.debtorReplied',
  'dispute.staff_replied': 'dispute.history.staffReplied',
  'dispute.note_added': 'dispute.history.noteAdded',
  'dispute.assigned': 'dispute.history.assigned',
  'dispute.resolved': 'dispute.history.resolved',
  'dispute.part_credited': 'dispute.history.partCredited',
  'dispute.question_asked': 'dispute.history.questionAsked',
  'dispute.question_closed': 'dispute.history.questionClosed',
  'dispute.withdrawn': 'dispute.history.withdrawn',
  'dunning.paused': 'dispute.history.paused',
  'dunning.resumed': 'dispute.history.resumed',
  'invoice.credited': 'dispute.history.credited',
  'invoice.partially_credited': 'dispute.history.partiallyCredited',
};
const OUTCOMES = ['credited_full', 'credited_partial', 'rejected', 'paid', 'withdrawn'] as const;
const PAUSE_REASONS = ['payment_pending', 'payment_plan', 'promise_to_pay', 'dispute', 'manual'] as const;

export default function StaffDisputeThread() {
  const { dispute, invoice, debtor, messages, history, otherInvoices, organizationName, me, targetHours, graceDays } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, invoice.currency, locale);
  const errorsFor = (intent: string): FieldErrors => (actionData?.intent === intent ? actionData.errors : {});
  const text = (errors: FieldErrors, field: keyof FieldErrors) => {
    const code = errors[field];
    return code ? errorText(t, code, actionData?.fileName) : null;
  };
  const valueFor = (intent: string, field: 'message' | 'amount' | 'note') =>
    actionData?.intent === intent ? actionData.values[field] : undefined;
  const busy = navigation.state === 'submitting';
  const done = searchParams.get('done');
  const generalError = actionData && !actionData.intent ? text(actionData.errors, 'form') : null;
  const reply = errorsFor(INTENT.reply);
  const note = errorsFor(INTENT.note);
  const credit = errorsFor(INTENT.credit);
  const reject = errorsFor(INTENT.reject);
  const hold = { ...errorsFor(INTENT.hold), ...errorsFor(INTENT.liftHold) };
  const close = errorsFor(INTENT.close);
  const question = dispute.kind === 'question';
  const onHold = invoice.pauses.includes('manual');
  const assign = { ...errorsFor(INTENT.assignMe), ...errorsFor(INTENT.unassign) };
  // A credit note is allocated like any money (art. 6:44 BW): everything owed settles the invoice.
  const owed = owedCents(invoice);
  // A credit corrects the principal: at most what is open of it, by default what is disputed and not yet credited.
  const creditable = invoice.status === 'open' ? invoice.openCents : 0;
  const defaultCredit = centsToDecimalString(
    Math.max(0, Math.min(dispute.disputedCents - dispute.creditedCents, creditable || dispute.disputedCents)),
  );
  const historyText = (h: (typeof history)[number]) => {
    const key = HISTORY[h.action];
    const outcome = OUTCOMES.find((o) => o === h.outcome);
    const reason = PAUSE_REASONS.find((r) => r === h.reason);
    return key
      ? t(key, {
          amount: h.amountCents !== null ? money(h.amountCents) : '',
          outcome: outcome ? t(`dispute.outcome.${outcome}`) : '',
          reason: reason ? t(`portal.pauseReason.${reason}`) : '',
        })
      : t('dispute.history.other', { action: h.action });
  };

  return (
    <div className="stack dispute-page">
      <p>
        <Link to="/app/disputes">← {t('dispute.staff.back')}</Link>
      </p>
      <div className="invoice-card-head">
        <h1>{t(question ? 'dispute.staff.questionTitle' : 'dispute.staff.title', { number: invoice.number })}</h1>
        <DisputeStatusBadge
          status={dispute.status}
          outcome={dispute.outcome}
          kind={dispute.kind}
          viewer="staff"
          t={t}
        />
      </div>
      {done && (INTENTS as string[]).includes(done) ? (
        <p className="alert success" role="status">
          {t(`dispute.staffDone.${done as (typeof INTENT)[keyof typeof INTENT]}`)}
        </p>
      ) : null}
      {generalError ? (
        <p className="alert error" role="alert">
          {generalError}
        </p>
      ) : null}
      <div className="dispute-layout">
        <div className="dispute-main stack">
          <section className="card" aria-labelledby="summary-title">
            <h2 id="summary-title" className="visually-hidden">
              {t('dispute.facts.title')}
            </h2>
            <dl className="facts">
              <dt>{t('dispute.facts.reference')}</dt>
              <dd>{dispute.reference}</dd>
              <dt>{t('dispute.staff.debtor')}</dt>
              <dd>
                {debtor.name} <span className="muted small">({debtor.email})</span>
              </dd>
              {question ? null : (
                <>
                  <dt>{t('dispute.facts.reason')}</dt>
                  <dd>{t(`dispute.reason.${dispute.reason}`)}</dd>
                  <dt>{t('dispute.facts.amount')}</dt>
                  <dd className="amount">{money(dispute.disputedCents)}</dd>
                </>
              )}
              {dispute.creditedCents > 0 ? (
                <>
                  <dt>{t('dispute.staff.credited')}</dt>
                  <dd className="amount" data-testid="credited">
                    {money(dispute.creditedCents)}
                  </dd>
                </>
              ) : null}
              {dispute.answerDueAt ? (
                <>
                  <dt>{t('dispute.staff.answerDue')}</dt>
                  <dd data-testid="answer-due">{formatDate(answerLastDay(dispute.answerDueAt), locale)}</dd>
                </>
              ) : null}
              <dt>{t('dispute.facts.opened')}</dt>
              <dd>{formatDateTime(dispute.createdAt, locale)}</dd>
              <dt>{t('dispute.staff.assignee')}</dt>
              <dd>
                <span data-testid="assignee">
                  {dispute.assigneeId === me
                    ? t('dispute.inbox.me')
                    : (dispute.assigneeName ?? t('dispute.inbox.nobody'))}
                </span>
                <Form method="post" className="inline-form assign-form">
                  {dispute.assigneeId === me ? (
                    <button type="submit" name="intent" value={INTENT.unassign} className="quiet" disabled={busy}>
                      {t('dispute.staff.unassign')}
                    </button>
                  ) : (
                    <button type="submit" name="intent" value={INTENT.assignMe} className="quiet" disabled={busy}>
                      {t('dispute.staff.assignMe')}
                    </button>
                  )}
                </Form>
                <FieldError id="assign-error" message={text(assign, 'form')} />
              </dd>
            </dl>
            {dispute.active ? null : question ? (
              <p className="dispute-outcome">
                <strong>{t('dispute.staff.questionClosed')}</strong>
              </p>
            ) : (
              <div className="dispute-outcome">
                <p>
                  <strong>
                    {t(`dispute.staffOutcome.${dispute.outcome ?? 'withdrawn'}`, {
                      credited: money(dispute.creditedCents),
                      open: money(owed),
                    })}
                  </strong>
                </p>
                {dispute.resolvedAt ? (
                  <p className="muted small">{formatDateTime(dispute.resolvedAt, locale)}</p>
                ) : null}
                {dispute.resolutionNote ? (
                  <p className="dispute-body">
                    {t('dispute.thread.explanation')} {dispute.resolutionNote}
                  </p>
                ) : null}
              </div>
            )}
          </section>

          <section aria-labelledby="thread-title">
            <h2 id="thread-title">{t('dispute.thread.messages')}</h2>
            <DisputeThread
              messages={messages}
              viewer="staff"
              organizationName={organizationName}
              debtorName={debtor.name}
              attachmentHref={(attachmentId) => `/app/disputes/${dispute.id}/attachments/${attachmentId}`}
              t={t}
              locale={locale}
            />
          </section>

          {dispute.active ? (
            <section className="card" aria-labelledby="reply-title">
              <h2 id="reply-title">{t('dispute.staff.replyTitle')}</h2>
              <p className="hint">{tn('dispute.staff.replyHint', targetHours)}</p>
              <FieldError id="reply-form-error" message={text(reply, 'form')} />
              <Form method="post" encType="multipart/form-data" noValidate key={`reply-${messages.length}`}>
                <input type="hidden" name="intent" value={INTENT.reply} />
                <MessageField
                  t={t}
                  id="reply-message"
                  label={t('dispute.staff.replyLabel')}
                  error={text(reply, 'message')}
                  defaultValue={valueFor(INTENT.reply, 'message')}
                />
                <AttachmentsField t={t} id="reply-attachments" error={text(reply, 'attachments')} />
                <button type="submit" disabled={busy}>
                  {t('dispute.staff.sendReply')}
                </button>
              </Form>
            </section>
          ) : null}

          <section className="card internal-card" aria-labelledby="note-title">
            <h2 id="note-title">{t('dispute.staff.noteTitle')}</h2>
            <p className="hint">{t('dispute.staff.noteHint')}</p>
            <FieldError id="note-form-error" message={text(note, 'form')} />
            <Form method="post" encType="multipart/form-data" noValidate key={`note-${messages.length}`}>
              <input type="hidden" name="intent" value={INTENT.note} />
              <MessageField
                t={t}
                id="note-message"
                label={t('dispute.staff.noteLabel')}
                error={text(note, 'message')}
                defaultValue={valueFor(INTENT.note, 'message')}
              />
              <AttachmentsField t={t} id="note-attachments" error={text(note, 'attachments')} />
              <button type="submit" className="secondary" disabled={busy}>
                {t('dispute.staff.saveNote')}
              </button>
            </Form>
          </section>

          {dispute.active && question ? (
            <>
              <section className="card" aria-labelledby="hold-title">
                <h2 id="hold-title">{t('dispute.staff.holdTitle')}</h2>
                <p data-testid="hold-state">{t(onHold ? 'dispute.staff.holdOn' : 'dispute.staff.holdOff')}</p>
                <FieldError id="hold-form-error" message={text(hold, 'form')} />
                {invoice.status === 'open' || onHold ? (
                  <Form method="post" noValidate>
                    <button
                      type="submit"
                      name="intent"
                      value={onHold ? INTENT.liftHold : INTENT.hold}
                      className="secondary"
                      disabled={busy}
                    >
                      {t(onHold ? 'dispute.staff.liftHold' : 'dispute.staff.hold')}
                    </button>
                  </Form>
                ) : null}
              </section>
              <section className="card" aria-labelledby="close-title">
                <h2 id="close-title">{t('dispute.staff.closeTitle')}</h2>
                <p className="hint">{t('dispute.staff.closeHint')}</p>
                <FieldError id="close-form-error" message={text(close, 'form')} />
                <Form method="post" noValidate>
                  <input type="hidden" name="intent" value={INTENT.close} />
                  {onHold ? (
                    <div className="choice">
                      <input type="checkbox" id="close-lift-hold" name="liftHold" value="yes" defaultChecked />
                      <label htmlFor="close-lift-hold">{t('dispute.staff.closeLiftHold')}</label>
                    </div>
                  ) : null}
                  <button type="submit" disabled={busy}>
                    {t('dispute.staff.closeSubmit')}
                  </button>
                </Form>
              </section>
            </>
          ) : null}

          {dispute.active && !question ? (
            <section className="card" aria-labelledby="resolve-title">
              <h2 id="resolve-title">{t('dispute.staff.resolveTitle')}</h2>
              <div className="grid cols-2">
                {dispute.answerDueAt ? (
                  <div className="resolve-form">
                    <h3>{t('dispute.staff.creditTitle')}</h3>
                    <p data-testid="awaiting-answer">
                      {t('dispute.staff.awaitingAnswer', {
                        date: formatDate(answerLastDay(dispute.answerDueAt), locale),
                      })}
                    </p>
                  </div>
                ) : (
                  <Form method="post" className="resolve-form" noValidate>
                    <h3>{t('dispute.staff.creditTitle')}</h3>
                    <input type="hidden" name="intent" value={INTENT.credit} />
                    <FieldError id="credit-form-error" message={text(credit, 'form')} />
                    <div className="field">
                      <label htmlFor="credit-amount">{t('dispute.staff.creditAmount')}</label>
                      <p className="hint" id="credit-amount-hint">
                        {t('dispute.staff.creditHint', { open: money(creditable), days: PART_CREDIT_ANSWER_DAYS })}
                      </p>
                      <input
                        id="credit-amount"
                        name="amount"
                        type="text"
                        inputMode="decimal"
                        autoComplete="off"
                        required
                        defaultValue={
                          valueFor(INTENT.credit, 'amount') ??
                          (locale === 'nl' ? defaultCredit.replace('.', ',') : defaultCredit)
                        }
                        aria-invalid={credit.amount ? true : undefined}
                        aria-describedby={['credit-amount-hint', credit.amount ? 'credit-amount-error' : null]
                          .filter(Boolean)
                          .join(' ')}
                      />
                      <FieldError id="credit-amount-error" message={text(credit, 'amount')} />
                    </div>
                    <MessageField
                      t={t}
                      id="credit-note"
                      name="note"
                      required={false}
                      label={t('dispute.staff.creditNote')}
                      error={text(credit, 'note')}
                      defaultValue={valueFor(INTENT.credit, 'note')}
                    />
                    <button type="submit" disabled={busy}>
                      {t('dispute.staff.creditSubmit')}
                    </button>
                  </Form>
                )}
                <Form method="post" className="resolve-form" noValidate>
                  <h3>{t('dispute.staff.rejectTitle')}</h3>
                  <input type="hidden" name="intent" value={INTENT.reject} />
                  <FieldError id="reject-form-error" message={text(reject, 'form')} />
                  <p className="hint">{tn('dispute.staff.rejectHint', graceDays)}</p>
                  <MessageField
                    t={t}
                    id="reject-note"
                    name="note"
                    label={t('dispute.staff.rejectNote')}
                    error={text(reject, 'note')}
                    defaultValue={valueFor(INTENT.reject, 'note')}
                  />
                  <button type="submit" className="danger" disabled={busy}>
                    {t('dispute.staff.rejectSubmit')}
                  </button>
                </Form>
              </div>
            </section>
          ) : null}
        </div>

        <aside className="dispute-aside stack" aria-label={t('dispute.staff.aside')}>
          <section className="card" aria-labelledby="invoice-title">
            <h2 id="invoice-title">{t('dispute.staff.invoiceTitle', { number: invoice.number })}</h2>
            {invoice.description ? <p className="muted small">{invoice.description}</p> : null}
            <dl className="facts small">
              <dt>{t('dispute.staff.invoiceStatus')}</dt>
              <dd data-testid="invoice-status">{t(`dispute.invoiceStatus.${invoice.status}`)}</dd>
              <dt>{t('dispute.new.invoiceTotal')}</dt>
              <dd className="amount">{money(invoice.totalCents)}</dd>
              <dt>{t('dispute.facts.invoiceOpen')}</dt>
              <dd className="amount strong" data-testid="invoice-open">
                {money(invoice.openCents)}
              </dd>
              {invoice.costsCents > 0 ? (
                <>
                  <dt>{t('dispute.staff.costs')}</dt>
                  <dd className="amount">{money(invoice.costsCents)}</dd>
                </>
              ) : null}
              <dt>{t('dispute.new.invoiceDue')}</dt>
              <dd>{formatDate(invoice.dueDate, locale)}</dd>
              <dt>{t('dispute.staff.stage')}</dt>
              <dd>{invoice.dunningStage}</dd>
              <dt>{t('dispute.staff.nextAction')}</dt>
              <dd data-testid="next-action">
                {invoice.nextActionAt ? formatDateTime(invoice.nextActionAt, locale) : '—'}
              </dd>
              <dt>{t('dispute.staff.pauses')}</dt>
              <dd data-testid="pauses">
                {invoice.pauses.length > 0
                  ? invoice.pauses.map((r) => t(`portal.pauseReason.${r}`)).join(', ')
                  : t('dispute.staff.noPauses')}
              </dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="history-title">
            <h2 id="history-title">{t('dispute.staff.historyTitle')}</h2>
            {history.length === 0 ? (
              <p className="muted small">{t('dispute.staff.noHistory')}</p>
            ) : (
              <ol className="dispute-history small">
                {history.map((h) => (
                  <li key={h.id}>
                    <span className="muted">
                      {formatDateTime(h.createdAt, locale)} · {t(`dispute.actor.${h.actorType}`)}
                    </span>
                    <span>{historyText(h)}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section className="card" aria-labelledby="others-title">
            <h2 id="others-title">{t('dispute.staff.otherInvoices', { name: debtor.name })}</h2>
            {otherInvoices.length === 0 ? (
              <p className="muted small">{t('dispute.staff.noOtherInvoices')}</p>
            ) : (
              <ul className="other-invoices small">
                {otherInvoices.map((i) => (
                  <li key={i.id}>
                    <span className="strong">{i.number}</span>
                    <span className="amount">{formatMoney(i.openCents, i.currency, locale)}</span>
                    <span className="muted">
                      {t(`dispute.invoiceStatus.${i.status}`)} ·{' '}
                      {t('dispute.staff.dueOn', { date: formatDate(i.dueDate, locale, 'short') })}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
