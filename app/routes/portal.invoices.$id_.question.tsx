import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { MAX_MESSAGE_LENGTH, MessageField } from '~/modules/disputes/index';
import { activeDisputeForInvoice, openQuestion, questionSchema } from '~/modules/disputes/index.server';
import { getPortalInvoice } from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import { parseForm, typedValues, type FormErrors } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { translate, type FieldError } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useT } from '~/utils/i18n/react';
import disputeStyles from '~/styles/disputes.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: disputeStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const found = await getPortalInvoice(session, params.id ?? '');
  if (!found) notFound();
  const existing = await activeDisputeForInvoice(session, found.invoice.id, 'question');
  if (existing) throw redirect(`/portal/disputes/${existing}`);
  const { invoice } = found;
  return {
    title: translate(await getLocale(request), 'dispute.question.title', { number: invoice.number }),
    invoice: { id: invoice.id, number: invoice.number, status: invoice.status },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const form = await request.formData();
  const values = typedValues(form, ['message'], MAX_MESSAGE_LENGTH + 100);
  const parsed = parseForm(questionSchema, form);
  if (!parsed.ok) return data({ errors: parsed.errors, values }, { status: 400 });
  const result = await openQuestion(session, { invoiceId: params.id ?? '', message: parsed.data.message });
  if (!result.ok) {
    if (result.error === 'not_found') notFound();
    // Asked already (another tab, a double click): the question that is open is the answer.
    if (result.error === 'already_asked' && result.disputeId) return redirect(`/portal/disputes/${result.disputeId}`);
    const errors: FormErrors = { form: { key: `dispute.error.${result.error}` } };
    return data({ errors, values }, { status: 400 });
  }
  return redirect(`/portal/disputes/${result.disputeId}?done=opened`);
}

export default function AskQuestion() {
  const { invoice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const errors: FormErrors = actionData?.errors ?? {};
  const text = (error: FieldError | undefined) => (error ? t(error.key, error.params) : null);
  return (
    <div className="stack dispute-page">
      <p>
        <Link to={`/portal/invoices/${invoice.id}`}>← {t('dispute.new.back', { number: invoice.number })}</Link>
      </p>
      <h1>{t('dispute.question.title', { number: invoice.number })}</h1>
      <p>{t('dispute.question.intro')}</p>
      {errors.form ? (
        <p className="alert error" role="alert">
          {text(errors.form)}
        </p>
      ) : errors.message ? (
        <p className="alert error" role="alert">
          {t('dispute.question.fixErrors')}
        </p>
      ) : null}
      <Form method="post" className="card" noValidate>
        <MessageField
          t={t}
          id="message"
          label={t('dispute.question.message')}
          hint={t('dispute.question.messageHint')}
          error={text(errors.message)}
          defaultValue={actionData?.values.message}
        />
        <p className="hint">
          {t('dispute.question.remindersNote')}{' '}
          {invoice.status === 'open' ? (
            <Link to={`/portal/invoices/${invoice.id}/dispute`}>{t('dispute.question.disputeInstead')}</Link>
          ) : null}
        </p>
        <button type="submit" className="block" disabled={navigation.state === 'submitting'}>
          {t('dispute.question.submit')}
        </button>
      </Form>
    </div>
  );
}
