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
} from '~/modules/disputes/index';
import {
  acceptPartCredit,
  addDebtorMessage,
  fieldErrors,
  type FieldErrors,
  getDebtorDispute,
  messageSchema,
  readSubmission,
  refusalField,
  withdrawDispute,
  withdrawSchema,
} from '~/modules/disputes/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { notFound } from '~/utils/http.server';
import { formatDate, formatDateTime, translate, type MessageKey } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import disputeStyles from '~/styles/disputes.css';
import { isUuid } from '~/utils/ids';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: disputeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

const titleKey = (kind: 'dispute' | 'question'): MessageKey =>
  kind === 'question' ? 'dispute.question.title' : 'dispute.thread.title';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const id = params.id ?? '';
  if (!isUuid(id)) notFound();
  const found = await getDebtorDispute(session, id);
  if (!found) notFound();
  return {
    ...found,
    title: translate(await getLocale(request), titleKey(found.dispute.kind), { number: found.invoice.number }),
    organizationName: session.organization.name,
    debtorName: session.debtor.name,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const id = params.id ?? '';
  if (!isUuid(id)) notFound();
  const submission = await readSubmission(request);
  const intent = submission.fields.intent;
  const refuse = (errors: FieldErrors, fileName?: string) =>
    data({ intent, errors, fileName, values: { message: submission.fields.message ?? '' } }, { status: 400 });
  if (!submission.ok) return refuse(submission.errors, submission.fileName);

  if (intent === INTENT.withdraw) {
    const parsed = withdrawSchema.safeParse(submission.fields);
    if (!parsed.success) return refuse(fieldErrors(parsed.error));
    const result = await withdrawDispute(session, id);
    if (!result.ok) {
      if (result.error === 'not_found') notFound();
      return refuse({ form: result.error });
    }
    return redirect(`/portal/disputes/${id}?done=withdrawn`);
  }
  if (intent === INTENT.accept) {
    const result = await acceptPartCredit(session, id);
    if (!result.ok) {
      if (result.error === 'not_found') notFound();
      return refuse({ form: result.error });
    }
    return redirect(`/portal/disputes/${id}?done=accepted`);
  }
  if (intent !== INTENT.reply) return refuse({ form: 'intent_invalid' });
  const parsed = messageSchema.safeParse(submission.fields);
  if (!parsed.success) return refuse(fieldErrors(parsed.error));
  const result = await addDebtorMessage(session, id, { message: parsed.data.message, files: submission.files });
  if (!result.ok) {
    if (result.error === 'not_found') notFound();
    return refuse({ [refusalField(result.error)]: result.error });
  }
  return redirect(`/portal/disputes/${id}?done=sent#reply`);
}

export default function PortalDisputeThread() {
  const { dispute, invoice, messages, organizationName, debtorName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, invoice.currency, locale);
  const errors: FieldErrors = actionData?.errors ?? {};
  const replyErrors = actionData?.intent === INTENT.withdraw || actionData?.intent === INTENT.accept ? {} : errors;
  const withdrawErrors = actionData?.intent === INTENT.withdraw ? errors : {};
  const acceptErrors = actionData?.intent === INTENT.accept ? errors : {};
  const question = dispute.kind === 'question';
  // A part credit the debtor may still accept (or answer): what was credited, what is left to pay.
  const creditOpen = !question && dispute.active && dispute.creditedCents > 0;
  const owed = invoice.status === 'open' ? invoice.openCents + invoice.costsCents + invoice.interestCents : 0;
  const text = (list: FieldErrors, field: keyof FieldErrors) => {
    const code = list[field];
    return code ? errorText(t, code, actionData?.fileName) : null;
  };
  const done = searchParams.get('done');
  const busy = navigation.state === 'submitting';

  return (
    <div className="stack dispute-page">
      <p>
        <Link to="/portal/disputes">← {t('dispute.thread.backAll')}</Link>
      </p>
      <div className="invoice-card-head">
        <h1>{t(titleKey(dispute.kind), { number: invoice.number })}</h1>
        <DisputeStatusBadge
          status={dispute.status}
          outcome={dispute.outcome}
          kind={dispute.kind}
          viewer="debtor"
          t={t}
        />
      </div>
      {done === 'opened' || done === 'sent' || done === 'withdrawn' || done === 'accepted' ? (
        <p className="alert success" role="status">
          {t(done === 'opened' && question ? 'dispute.done.asked' : `dispute.done.${done}`)}
        </p>
      ) : null}
      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title" className="visually-hidden">
          {t('dispute.facts.title')}
        </h2>
        <dl className="facts">
          <dt>{t('dispute.facts.reference')}</dt>
          <dd>{dispute.reference}</dd>
          <dt>{t('dispute.facts.invoice')}</dt>
          <dd>
            <Link to={`/portal/invoices/${invoice.id}`}>{invoice.number}</Link>
          </dd>
          {question ? null : (
            <>
              <dt>{t('dispute.facts.reason')}</dt>
              <dd>{t(`dispute.reason.${dispute.reason}`)}</dd>
              <dt>{t('dispute.facts.amount')}</dt>
              <dd className="amount">{money(dispute.disputedCents)}</dd>
            </>
          )}
          <dt>{t('dispute.facts.invoiceOpen')}</dt>
          <dd className="amount">{money(owed)}</dd>
        </dl>
        {question ? (
          dispute.active ? (
            <div className="next-step">
              <p>{t('dispute.question.remindersNote')}</p>
              {invoice.status === 'open' ? (
                <p>
                  <Link to={`/portal/invoices/${invoice.id}/dispute`}>{t('dispute.question.disputeInstead')}</Link>
                </p>
              ) : null}
            </div>
          ) : (
            <p className="dispute-outcome">
              <strong>{t('dispute.question.closed')}</strong>
            </p>
          )
        ) : dispute.active ? (
          <p className="next-step next-paused">{t('dispute.thread.pausedNote')}</p>
        ) : (
          <div className="dispute-outcome">
            <p>
              <strong>
                {t(`dispute.debtorOutcome.${dispute.outcome ?? 'withdrawn'}`, {
                  credited: money(dispute.creditedCents),
                  open: money(owed),
                })}
              </strong>
            </p>
            {dispute.resolvedAt ? <p className="muted small">{formatDateTime(dispute.resolvedAt, locale)}</p> : null}
            {dispute.resolutionNote ? (
              <p className="dispute-body">
                {t('dispute.thread.explanation')} {dispute.resolutionNote}
              </p>
            ) : null}
          </div>
        )}
      </section>

      {creditOpen ? (
        <section className="card credit-offer" aria-labelledby="credit-title" id="credit">
          <h2 id="credit-title">{t('dispute.credit.title')}</h2>
          <dl className="facts">
            <dt>{t('dispute.credit.credited')}</dt>
            <dd className="amount" data-testid="credited">
              {money(dispute.creditedCents)}
            </dd>
            <dt>{t('dispute.credit.open')}</dt>
            <dd className="amount strong" data-testid="credit-open">
              {money(owed)}
            </dd>
          </dl>
          {dispute.answerDueAt ? (
            <p data-testid="answer-due">
              {t('dispute.credit.term', { date: formatDate(answerLastDay(dispute.answerDueAt), locale) })}
            </p>
          ) : null}
          <h3>{t('dispute.credit.question')}</h3>
          {acceptErrors.form ? (
            <p className="alert error" role="alert">
              {text(acceptErrors, 'form')}
            </p>
          ) : null}
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value={INTENT.accept} />
            <p className="hint">{t('dispute.credit.acceptNote')}</p>
            <button type="submit" disabled={busy}>
              {t('dispute.credit.accept')}
            </button>
          </Form>
          <p className="spaced">
            <a href="#reply">{t('dispute.credit.replyInstead')}</a>
          </p>
        </section>
      ) : null}

      <section aria-labelledby="thread-title">
        <h2 id="thread-title">{t('dispute.thread.messages')}</h2>
        <DisputeThread
          messages={messages}
          viewer="debtor"
          organizationName={organizationName}
          debtorName={debtorName}
          attachmentHref={(attachmentId) => `/portal/disputes/${dispute.id}/attachments/${attachmentId}`}
          t={t}
          locale={locale}
        />
      </section>

      {dispute.active ? (
        <>
          <section className="card" aria-labelledby="reply-title" id="reply">
            <h2 id="reply-title">{t('dispute.thread.replyTitle')}</h2>
            {replyErrors.form ? (
              <p className="alert error" role="alert">
                {text(replyErrors, 'form')}
              </p>
            ) : null}
            <Form method="post" encType="multipart/form-data" noValidate key={`reply-${messages.length}`}>
              <input type="hidden" name="intent" value={INTENT.reply} />
              <MessageField
                t={t}
                id="message"
                label={t('dispute.thread.replyLabel')}
                error={text(replyErrors, 'message')}
                defaultValue={actionData?.intent === INTENT.reply ? actionData.values.message : undefined}
              />
              <AttachmentsField t={t} id="attachments" error={text(replyErrors, 'attachments')} />
              <button type="submit" disabled={busy}>
                {t('dispute.thread.send')}
              </button>
            </Form>
          </section>
          {/* Withdrawing fits a dispute still being weighed; after a credit the choice is accept or reply. */}
          {question || dispute.creditedCents > 0 ? null : (
            <section className="card" aria-labelledby="withdraw-title">
              <h2 id="withdraw-title">{t('dispute.withdraw.title')}</h2>
              <p>{t('dispute.withdraw.body')}</p>
              {withdrawErrors.form ? (
                <p className="alert error" role="alert">
                  {text(withdrawErrors, 'form')}
                </p>
              ) : null}
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value={INTENT.withdraw} />
                <div className="choice">
                  <input
                    type="checkbox"
                    id="confirm-withdraw"
                    name="confirm"
                    value="yes"
                    aria-invalid={withdrawErrors.confirm ? true : undefined}
                    aria-describedby={withdrawErrors.confirm ? 'confirm-error' : undefined}
                  />
                  <label htmlFor="confirm-withdraw">{t('dispute.withdraw.confirm')}</label>
                </div>
                <FieldError id="confirm-error" message={text(withdrawErrors, 'confirm')} />
                <button type="submit" className="secondary" disabled={busy}>
                  {t('dispute.withdraw.submit')}
                </button>
              </Form>
            </section>
          )}
        </>
      ) : null}
    </div>
  );
}
