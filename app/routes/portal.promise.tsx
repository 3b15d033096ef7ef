import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { getPromiseForm, makePromise } from '~/modules/plans/index.server';
import {
  FieldErrorMessage,
  fieldProps,
  parsePromiseValues,
  readPromiseForm,
  useErrorText,
} from '~/modules/plans/index';
import { requireDebtor } from '~/modules/links/index.server';
import { addDays, daysBetween } from '~/utils/clock';
import { formatDate, translate } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import planStyles from '~/styles/plans.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: planStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const [page, locale] = await Promise.all([getPromiseForm(session), getLocale(request)]);
  const wanted = new URL(request.url).searchParams.getAll('invoice');
  const eligible = page.candidates.filter((c) => c.blocked === null && c.promisedDate === null);
  return {
    title: translate(locale, 'promise.title'),
    today: page.today,
    lastDay: page.lastDay,
    maxDays: daysBetween(page.today, page.lastDay),
    candidates: page.candidates,
    preselected: (wanted.length > 0 ? eligible.filter((c) => wanted.includes(c.id)) : eligible).map((c) => c.id),
    suggestedDate: addDays(page.today, Math.min(7, daysBetween(page.today, page.lastDay))),
    promises: page.promises.map((p) => ({ id: p.id, promisedDate: p.promisedDate, totalCents: p.totalCents })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const values = readPromiseForm(await request.formData());
  const parsed = parsePromiseValues(values);
  if (!parsed.ok) return data({ values, errors: parsed.errors }, { status: 400 });
  const result = await makePromise(session, parsed.input);
  if (!result.ok) return data({ values, errors: result.errors }, { status: 400 });
  return redirect(`/portal/promise?made=${result.promise.promisedDate}`);
}

export default function PromisePage() {
  const page = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const errorText = useErrorText();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const errors = actionData?.errors ?? {};
  const chosen = actionData?.values.invoiceIds ?? page.preselected;
  const made = search.get('made');
  const eligible = page.candidates.filter((c) => c.blocked === null && c.promisedDate === null);

  return (
    <div className="stack plan-page">
      <h1>{t('promise.title')}</h1>
      {made && /^\d{4}-\d{2}-\d{2}$/.test(made) ? (
        <p className="alert success" role="status">
          {t('promise.made', { date: formatDate(made, locale) })}
        </p>
      ) : null}
      {page.promises.length > 0 ? (
        <section aria-labelledby="promises-heading" className="card">
          <h2 id="promises-heading" className="h3">
            {t('promise.active.heading')}
          </h2>
          <ul>
            {page.promises.map((p) => (
              <li key={p.id}>
                {t('promise.active.item', { amount: money(p.totalCents), date: formatDate(p.promisedDate, locale) })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {eligible.length === 0 ? (
        <p className="alert info">{t('promise.none')}</p>
      ) : (
        <section className="card stack" aria-labelledby="promise-form-heading">
          <h2 id="promise-form-heading" className="visually-hidden">
            {t('promise.title')}
          </h2>
          <p>{tn('promise.intro', page.maxDays)}</p>
          {'form' in errors && errors.form ? (
            <p className="alert error" role="alert">
              {errorText(errors.form)}
            </p>
          ) : null}
          <Form method="post" className="stack" noValidate>
            <fieldset className="field" aria-describedby={errors.invoices ? 'invoices-error' : undefined}>
              <legend>{t('promise.field.invoices')}</legend>
              <ul className="choice-list">
                {page.candidates.map((c) => {
                  const blocked = c.blocked !== null || c.promisedDate !== null;
                  return (
                    <li key={c.id}>
                      <input
                        type="checkbox"
                        id={`invoice-${c.id}`}
                        name="invoice"
                        value={c.id}
                        disabled={blocked}
                        defaultChecked={!blocked && chosen.includes(c.id)}
                        aria-invalid={errors.invoices ? true : undefined}
                        aria-describedby={`invoice-${c.id}-facts`}
                      />
                      <label htmlFor={`invoice-${c.id}`}>
                        <span className="strong">{t('plan.field.invoiceLabel', { number: c.number })}</span>{' '}
                        <span id={`invoice-${c.id}-facts`} className="small muted">
                          {t('plan.field.invoiceFacts', {
                            amount: money(c.owedCents),
                            date: formatDate(c.dueDate, locale),
                          })}
                          {c.blocked ? ` · ${t(`plan.blocked.${c.blocked}`)}` : null}
                          {!c.blocked && c.promisedDate
                            ? ` · ${t('promise.blocked.promised', { date: formatDate(c.promisedDate, locale) })}`
                            : null}
                        </span>
                      </label>
                    </li>
                  );
                })}
              </ul>
              <FieldErrorMessage name="invoices" error={errors.invoices} />
            </fieldset>
            <div className="field">
              <label htmlFor="date">{t('promise.field.date')}</label>
              <input
                type="date"
                min={page.today}
                max={page.lastDay}
                defaultValue={actionData?.values.date ?? page.suggestedDate}
                {...fieldProps('date', 'date' in errors ? errors.date : undefined, true)}
              />
              <p className="hint" id="date-hint">
                {t('promise.field.dateHint', { date: formatDate(page.lastDay, locale) })}
              </p>
              <FieldErrorMessage name="date" error={'date' in errors ? errors.date : undefined} />
            </div>
            <div className="actions">
              <button type="submit" disabled={navigation.state !== 'idle'}>
                {t('promise.submit')}
              </button>
            </div>
          </Form>
        </section>
      )}
    </div>
  );
}
