import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AttachmentsField, DISPUTE_REASONS, errorText, FieldError, MessageField } from '~/modules/disputes/index';
import {
  activeDisputeForInvoice,
  fieldErrors,
  type FieldErrors,
  openDispute,
  openDisputeSchema,
  readSubmission,
  refusalField,
} from '~/modules/disputes/index.server';
import { getPortalInvoice } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { notFound } from '~/utils/http.server';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import disputeStyles from '~/styles/disputes.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: disputeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const found = await getPortalInvoice(session, params.id ?? '');
  if (!found) notFound();
  const existing = await activeDisputeForInvoice(session, found.invoice.id);
  if (existing) throw redirect(`/portal/disputes/${existing}`);
  const { invoice } = found;
  return {
    title: translate(await getLocale(request), 'dispute.new.title', { number: invoice.number }),
    invoice: {
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      dueDate: invoice.dueDate,
      totalCents: invoice.totalCents,
      openCents: invoice.openCents,
      currency: invoice.currency,
    },
  };
}

type Values = { scope?: string; amount?: string; reason?: string; message?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const submission = await readSubmission(request);
  const values: Values = {
    scope: submission.fields.scope,
    amount: submission.fields.amount,
    reason: submission.fields.reason,
    message: submission.fields.message,
  };
  const refuse = (errors: FieldErrors, extra: { fileName?: string; disputeId?: string } = {}) =>
    data({ errors, values, ...extra }, { status: 400 });
  if (!submission.ok) return refuse(submission.errors, { fileName: submission.fileName });
  const parsed = openDisputeSchema.safeParse(submission.fields);
  if (!parsed.success) return refuse(fieldErrors(parsed.error));
  const result = await openDispute(session, {
    invoiceId: params.id ?? '',
    amountCents: parsed.data.amountCents,
    reason: parsed.data.reason,
    message: parsed.data.message,
    files: submission.files,
  });
  if (!result.ok) {
    if (result.error === 'not_found') notFound();
    return refuse({ [refusalField(result.error)]: result.error }, { disputeId: result.disputeId });
  }
  return redirect(`/portal/disputes/${result.disputeId}?done=opened`);
}

export default function NewDispute() {
  const { invoice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, invoice.currency, locale);
  const errors: FieldErrors = actionData?.errors ?? {};
  const values: Values = actionData?.values ?? {};
  const err = (field: keyof FieldErrors) => (errors[field] ? errorText(t, errors[field], actionData?.fileName) : null);
  const scope = values.scope === 'part' ? 'part' : 'full';

  if (invoice.status !== 'open' || invoice.openCents <= 0) {
    return (
      <div className="stack">
        <h1>{t('dispute.new.heading', { number: invoice.number })}</h1>
        <p className="alert info">{t('dispute.error.invoice_not_open')}</p>
        <p>
          <Link to={`/portal/invoices/${invoice.id}`}>← {t('dispute.new.back', { number: invoice.number })}</Link>
        </p>
      </div>
    );
  }

  return (
    <div className="stack dispute-page">
      <p>
        <Link to={`/portal/invoices/${invoice.id}`}>← {t('dispute.new.back', { number: invoice.number })}</Link>
      </p>
      <h1>{t('dispute.new.heading', { number: invoice.number })}</h1>
      <p>{t('dispute.new.intro')}</p>
      <dl className="facts card">
        <dt>{t('dispute.new.invoiceTotal')}</dt>
        <dd className="amount">{money(invoice.totalCents)}</dd>
        <dt>{t('dispute.new.invoiceOpen')}</dt>
        <dd className="amount strong">{money(invoice.openCents)}</dd>
        <dt>{t('dispute.new.invoiceDue')}</dt>
        <dd>{formatDate(invoice.dueDate, locale)}</dd>
      </dl>
      {errors.form ? (
        <div className="alert error" role="alert">
          <p>{err('form')}</p>
          {actionData && 'disputeId' in actionData && actionData.disputeId ? (
            <p>
              <Link to={`/portal/disputes/${actionData.disputeId}`}>{t('dispute.new.viewExisting')}</Link>
            </p>
          ) : null}
        </div>
      ) : Object.keys(errors).length > 0 ? (
        <p className="alert error" role="alert">
          {t('dispute.form.fixErrors')}
        </p>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="card" noValidate>
        <fieldset className="dispute-fieldset">
          <legend>{t('dispute.form.scope')}</legend>
          <div className="choice">
            <input type="radio" id="scope-full" name="scope" value="full" defaultChecked={scope === 'full'} />
            <label htmlFor="scope-full">{t('dispute.form.scopeFull', { amount: money(invoice.openCents) })}</label>
          </div>
          <div className="choice">
            <input type="radio" id="scope-part" name="scope" value="part" defaultChecked={scope === 'part'} />
            <label htmlFor="scope-part">{t('dispute.form.scopePart')}</label>
          </div>
          <div className="field nested-field">
            <label htmlFor="amount">{t('dispute.form.amount')}</label>
            <p className="hint" id="amount-hint">
              {t('dispute.form.amountHint', { max: money(invoice.openCents) })}
            </p>
            <input
              id="amount"
              name="amount"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              defaultValue={values.amount}
              aria-invalid={errors.amount ? true : undefined}
              aria-describedby={['amount-hint', errors.amount ? 'amount-error' : null].filter(Boolean).join(' ')}
            />
            <FieldError id="amount-error" message={err('amount')} />
          </div>
          <FieldError id="scope-error" message={err('scope')} />
        </fieldset>
        <fieldset className="dispute-fieldset" aria-describedby={errors.reason ? 'reason-error' : undefined}>
          <legend>{t('dispute.form.reason')}</legend>
          {DISPUTE_REASONS.map((reason) => (
            <div className="choice" key={reason}>
              <input
                type="radio"
                id={`reason-${reason}`}
                name="reason"
                value={reason}
                defaultChecked={values.reason === reason}
                required
              />
              <label htmlFor={`reason-${reason}`}>{t(`dispute.reason.${reason}`)}</label>
            </div>
          ))}
          <FieldError id="reason-error" message={err('reason')} />
        </fieldset>
        <MessageField
          t={t}
          id="message"
          label={t('dispute.form.message')}
          hint={t('dispute.form.messageHint')}
          error={err('message')}
          defaultValue={values.message}
        />
        <AttachmentsField t={t} id="attachments" error={err('attachments')} />
        <p className="hint">{t('dispute.new.pauseNote')}</p>
        <button type="submit" className="block" disabled={navigation.state === 'submitting'}>
          {t('dispute.new.submit')}
        </button>
      </Form>
    </div>
  );
}
