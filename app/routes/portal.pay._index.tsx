import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useFormAction, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import {
  type CheckoutError,
  isOnline,
  parsePayForm,
  parsePaySelection,
  type PayFormField,
  returnPath,
  startCheckout,
  transferAfterCredit,
} from '~/modules/payments/index.server';
import { chargeSummary, checkPartialAmount, requestedAmount } from '~/modules/payments/index';
import {
  getPayPage,
  payTotalFor,
  transferPathFor,
  transferPathForRest,
  type PayableInvoice,
} from '~/modules/portal/index.server';
import { requireDebtor } from '~/modules/links/index.server';
import payStyles from '~/styles/pay.css';
import { formatDate, translate, type MessageKey } from '~/utils/i18n';
import { getLocale } from '~/utils/i18n/locale.server';
import { useLocale, useT, useTn } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import { isUuid } from '~/utils/ids';
import { typedValues } from '~/utils/forms';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: payStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Voldaan' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const url = new URL(request.url);
  const page = await getPayPage(session);
  const invoiceParam = url.searchParams.get('invoice');
  let single: PayableInvoice | null = null;
  if (invoiceParam !== null) {
    single = page.invoices.find((i) => i.id === invoiceParam) ?? null;
    // Another debtor's id, a paid invoice or a malformed one: the plain payment page, revealing nothing.
    if (!isUuid(invoiceParam) || !single) throw redirect('/portal/pay');
  }
  const locale = await getLocale(request);
  return {
    ...page,
    mode: single
      ? ('single' as const)
      : url.searchParams.get('choose') === '1' || page.overdue.count === 0
        ? ('choose' as const)
        : ('quick' as const),
    single,
    organizationName: session.organization.name,
    title: `${translate(locale, 'pay.title')} · ${session.organization.name}`,
  };
}

type ActionErrors = Partial<
  Record<
    PayFormField | 'form',
    CheckoutError | 'nothing_due' | 'invoice_not_found' | 'amount_invalid' | 'method' | 'unknown_action'
  >
>;

/** The form's second button: show the total of what is chosen (the page without JavaScript has no live total). */
const PAY_INTENT = { total: 'total' } as const;

/** What the debtor chose, sent back so the page shows the same choice again (bounded, ids only). */
function chosenOf(form: FormData) {
  const { scope, amountMode } = typedValues(form, ['scope', 'amountMode'], 20);
  const invoice = form
    .getAll('invoice')
    .map(String)
    .filter((id) => isUuid(id))
    .slice(0, 200);
  return { scope, amountMode, invoice };
}

export async function action({ request }: ActionFunctionArgs) {
  const session = await requireDebtor(request);
  const form = await request.formData();
  const { amount } = typedValues(form, ['amount'], 40);
  const chosen = chosenOf(form);
  const intent = form.get('intent');
  if (intent !== null) {
    if (intent !== PAY_INTENT.total) {
      return data({ errors: { form: 'unknown_action' } as ActionErrors, amount, chosen }, { status: 400 });
    }
    // The total by the checkout's own rule, on the debtor's invoices as they are now; nothing is written.
    const selection = parsePaySelection(form);
    if (!selection.ok) return data({ errors: selection.errors as ActionErrors, amount, chosen }, { status: 400 });
    const total = await payTotalFor(session, selection.selection);
    if (!total.ok) {
      const field = total.error === 'nothing_due' || total.error === 'invoice_not_found' ? 'invoice' : 'amount';
      return data({ errors: { [field]: total.error } as ActionErrors, amount, chosen }, { status: 400 });
    }
    return data({ total: total.summary, amount, chosen });
  }
  const parsed = parsePayForm(form);
  if (!parsed.ok) return data({ errors: parsed.errors as ActionErrors, amount, chosen }, { status: 400 });
  if (!isOnline(parsed.method) && session.debtor.creditCents > 0) {
    // The credit first, as the page promises; the transfer page then asks only for the rest.
    const spent = await transferAfterCredit(session, parsed.selection);
    if (!spent.ok) {
      const field = spent.error === 'nothing_due' || spent.error === 'invoice_not_found' ? 'invoice' : 'amount';
      return data({ errors: { [field]: spent.error } as ActionErrors, amount, chosen }, { status: 400 });
    }
    if (spent.rest.length === 0 && spent.creditPaymentId) throw redirect(returnPath(spent.creditPaymentId));
    throw redirect(transferPathForRest(spent.rest, parsed.selection.kind === 'single'));
  }
  if (!isOnline(parsed.method)) {
    const transfer = await transferPathFor(session, parsed.selection);
    if (!transfer.ok) {
      const field = transfer.error === 'nothing_due' ? 'invoice' : 'amount';
      return data({ errors: { [field]: transfer.error } as ActionErrors, amount, chosen }, { status: 400 });
    }
    throw redirect(transfer.path);
  }
  const result = await startCheckout(
    session,
    { selection: parsed.selection, method: parsed.method },
    { locale: await getLocale(request) },
  );
  if (result.ok) throw redirect(result.checkoutUrl);
  const field: keyof ActionErrors =
    result.error === 'amount_below_minimum' || result.error === 'amount_above_open'
      ? 'amount'
      : result.error === 'invoice_not_found' || result.error === 'nothing_due'
        ? 'invoice'
        : 'form';
  return data(
    { errors: { [field]: result.error } as ActionErrors, amount, chosen },
    { status: result.error === 'provider_unavailable' ? 503 : 400 },
  );
}

function errorKey(code: string): MessageKey {
  return `pay.error.${code}` as MessageKey;
}

export default function PayPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = (cents: number) => formatMoney(cents, 'EUR', locale);
  const errors: ActionErrors = (result && 'errors' in result ? result.errors : undefined) ?? {};
  const echoed = result?.chosen;
  // The total the server computed for the choice it was sent ("Update total", without JavaScript).
  const serverTotal = result && 'total' in result ? result.total : null;
  const busy = navigation.state !== 'idle';
  const single = page.single;
  const limits = { min: money(page.minPartialCents), max: money(single?.owedCents ?? 0) };
  const message = (code: string | undefined) => (code ? t(errorKey(code), limits) : null);
  const scopeCount = (count: number) => tn('pay.scope.count', count);
  const quickScopes = [
    ...(page.overdue.count > 0 ? [{ value: 'overdue', label: t('pay.scope.overdue'), ...page.overdue }] : []),
    ...(page.all.count > page.overdue.count ? [{ value: 'all', label: t('pay.scope.all'), ...page.all }] : []),
  ];

  // The summary of what will be charged is rendered from the same state on the server and in the
  // browser (the loader's figures, the choice sent back by the action), so the first render is the
  // same on both. With JavaScript it follows every change; without it, "Update total" posts the
  // choice and the server answers with its own total. Paying recomputes everything on the server.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const [touched, setTouched] = useState(false);
  const [scope, setScope] = useState(() =>
    echoed && quickScopes.some((q) => q.value === echoed.scope) ? echoed.scope : (quickScopes[0]?.value ?? 'overdue'),
  );
  const [checked, setChecked] = useState<ReadonlySet<string>>(
    () =>
      new Set(
        echoed?.scope === 'invoices'
          ? echoed.invoice.filter((id) => page.invoices.some((i) => i.id === id))
          : page.invoices.filter((i) => i.overdueDays > 0 || page.overdue.count === 0).map((i) => i.id),
      ),
  );
  const [amountMode, setAmountMode] = useState<'full' | 'part'>(
    errors.amount || echoed?.amountMode === 'part' ? 'part' : 'full',
  );
  const [amountText, setAmountText] = useState(result?.amount ?? '');
  const formAction = useFormAction();
  const partPossible = Boolean(single && single.owedCents > page.minPartialCents);

  if (page.invoices.length === 0) {
    return (
      <div className="stack pay">
        <h1>{t('pay.title')}</h1>
        <p className="alert success">{t('pay.nothing')}</p>
        <p>
          <Link to="/portal">← {t('pay.back')}</Link>
        </p>
      </div>
    );
  }

  /** What the form as it stands now charges, or null when it cannot be charged as typed. */
  const chosenCents = ((): number | null => {
    if (page.mode === 'quick') return quickScopes.find((q) => q.value === scope)?.cents ?? null;
    if (page.mode === 'choose') {
      const sum = page.invoices.filter((i) => checked.has(i.id)).reduce((total, i) => total + i.owedCents, 0);
      return sum > 0 ? sum : null;
    }
    if (!single) return null;
    const requested = requestedAmount({ amountMode, amount: amountText });
    if (requested.kind === 'invalid') return null;
    const checkedAmount = checkPartialAmount(
      single.owedCents,
      requested.kind === 'part' ? requested.cents : undefined,
      page.minPartialCents,
    );
    return checkedAmount.ok ? checkedAmount.amountCents : null;
  })();
  const computed = chosenCents === null ? null : chargeSummary(chosenCents, page.creditCents);
  const summary = !touched && serverTotal ? serverTotal : computed;
  // Before hydration (and without JavaScript) only what cannot change is stated on the button.
  const staticCents =
    page.mode === 'single' && single && !partPossible
      ? single.owedCents
      : page.mode === 'quick' && quickScopes.length === 1
        ? quickScopes[0].cents
        : null;
  const shown = hydrated ? summary : staticCents === null ? null : chargeSummary(staticCents, page.creditCents);
  const submitLabel = !shown
    ? t('pay.submit')
    : shown.providerCents === 0
      ? t('pay.submitCredit')
      : t('pay.submitAmount', { amount: money(shown.providerCents) });

  const onAmountInput = (value: string) => {
    setTouched(true);
    setAmountText(value);
    // Typing an amount is choosing to pay part: what is typed is what is charged.
    if (value.trim() !== '') setAmountMode('part');
  };

  return (
    <div className="stack pay">
      <p>
        <Link to="/portal">← {t('pay.back')}</Link>
      </p>
      <h1>{single ? t('pay.single.title', { number: single.number }) : t('pay.title')}</h1>
      <p className="muted">{t('pay.intro')}</p>
      {errors.form ? (
        <div className="alert error" role="alert">
          <strong>{t('pay.error.title')}</strong> {message(errors.form)}
        </div>
      ) : null}
      {page.creditCents > 0 ? (
        <p className="alert info" data-testid="pay-credit">
          {t('pay.credit', { amount: money(page.creditCents), organization: page.organizationName })}
        </p>
      ) : null}

      <Form method="post" className="stack" noValidate>
        <section className="card" aria-labelledby="pay-what">
          {page.mode === 'quick' ? (
            <fieldset className="options" aria-describedby={errors.scope ? 'scope-error' : undefined}>
              <legend id="pay-what" className="h2">
                {t('pay.what')}
              </legend>
              {quickScopes.map((option) => (
                <label key={option.value} className="option">
                  <input
                    type="radio"
                    name="scope"
                    value={option.value}
                    checked={scope === option.value}
                    onChange={() => {
                      setTouched(true);
                      setScope(option.value);
                    }}
                  />
                  <span className="option-text">
                    <span className="option-title">{option.label}</span>
                    <span className="muted small">{scopeCount(option.count)}</span>
                  </span>
                  <span className="amount option-amount">{money(option.cents)}</span>
                </label>
              ))}
              {errors.scope || errors.invoice ? (
                <p className="field-error" id="scope-error">
                  {message(errors.scope ?? errors.invoice)}
                </p>
              ) : null}
              <p className="spaced">
                <Link to="/portal/pay?choose=1">{t('pay.choose.link')}</Link>
              </p>
            </fieldset>
          ) : null}

          {page.mode === 'choose' ? (
            <fieldset className="options" aria-describedby={errors.invoice ? 'invoice-error' : undefined}>
              <legend id="pay-what" className="h2">
                {t('pay.choose.title')}
              </legend>
              <input type="hidden" name="scope" value="invoices" />
              {errors.invoice ? (
                <p className="field-error" id="invoice-error">
                  {message(errors.invoice)}
                </p>
              ) : null}
              <ul className="choose-list">
                {page.invoices.map((invoice) => (
                  <li key={invoice.id}>
                    <label className="option">
                      <input
                        type="checkbox"
                        name="invoice"
                        value={invoice.id}
                        checked={checked.has(invoice.id)}
                        onChange={(event) => {
                          const next = new Set(checked);
                          if (event.currentTarget.checked) next.add(invoice.id);
                          else next.delete(invoice.id);
                          setTouched(true);
                          setChecked(next);
                        }}
                      />
                      <span className="option-text">
                        <span className="option-title">{t('pay.line.invoice', { number: invoice.number })}</span>
                        <span className="muted small">
                          {invoice.overdueDays > 0
                            ? tn('pay.choose.overdue', invoice.overdueDays)
                            : t('pay.choose.due', { date: formatDate(invoice.dueDate, locale) })}
                          {invoice.paymentPending ? ` · ${t('pay.choose.pending')}` : ''}
                        </span>
                      </span>
                      <span className="amount option-amount">{money(invoice.owedCents)}</span>
                    </label>
                    <Link className="small partial-link" to={`/portal/pay?invoice=${invoice.id}`}>
                      {t('pay.choose.partial', { number: invoice.number })}
                    </Link>
                  </li>
                ))}
              </ul>
              {page.overdue.count > 0 ? (
                <p className="spaced">
                  <Link to="/portal/pay">{t('pay.quick.link')}</Link>
                </p>
              ) : null}
            </fieldset>
          ) : null}

          {page.mode === 'single' && single ? (
            <fieldset className="options" aria-describedby={errors.amount ? 'amount-error' : undefined}>
              <legend id="pay-what" className="h2">
                {t('pay.what')}
              </legend>
              <input type="hidden" name="scope" value="single" />
              <input type="hidden" name="invoice" value={single.id} />
              <label className="option">
                <input
                  type="radio"
                  name="amountMode"
                  value="full"
                  checked={amountMode === 'full'}
                  onChange={() => {
                    // The whole amount: a part typed earlier no longer counts (and is not sent).
                    setTouched(true);
                    setAmountMode('full');
                    setAmountText('');
                  }}
                />
                <span className="option-text">
                  <span className="option-title">{t('pay.single.full')}</span>
                </span>
                <span className="amount option-amount">{money(single.owedCents)}</span>
              </label>
              {partPossible ? (
                <>
                  <label className="option">
                    <input
                      type="radio"
                      name="amountMode"
                      value="part"
                      checked={amountMode === 'part'}
                      onChange={() => {
                        setTouched(true);
                        setAmountMode('part');
                      }}
                    />
                    <span className="option-text">
                      <span className="option-title">{t('pay.single.part')}</span>
                    </span>
                  </label>
                  <div className="field partial-amount">
                    <label htmlFor="amount">{t('pay.single.amount')}</label>
                    <input
                      id="amount"
                      name="amount"
                      type="text"
                      inputMode="decimal"
                      autoComplete="off"
                      value={amountText}
                      onChange={(event) => onAmountInput(event.currentTarget.value)}
                      aria-invalid={errors.amount ? true : undefined}
                      aria-describedby={errors.amount ? 'amount-hint amount-error' : 'amount-hint'}
                    />
                    <p className="hint" id="amount-hint">
                      {t('pay.single.amountHint', limits)} {t('pay.single.typedIsCharged')}
                    </p>
                    {errors.amount ? (
                      <p className="field-error" id="amount-error">
                        {message(errors.amount)}
                      </p>
                    ) : null}
                  </div>
                </>
              ) : (
                <p className="hint">{t('pay.single.noPart', limits)}</p>
              )}
              {errors.invoice ? <p className="field-error">{message(errors.invoice)}</p> : null}
              <p className="spaced">
                <Link to="/portal/pay?choose=1">{t('pay.single.other')}</Link>
              </p>
            </fieldset>
          ) : null}
        </section>

        <section className="card" aria-labelledby="pay-how">
          <fieldset className="options" aria-describedby={errors.method ? 'method-error' : undefined}>
            <legend id="pay-how" className="h2">
              {t('pay.how')}
            </legend>
            {page.online ? (
              <>
                <label className="option">
                  <input type="radio" name="method" value="ideal" defaultChecked />
                  <span className="option-text">
                    <span className="option-title">{t('pay.method.ideal')}</span>
                    <span className="muted small">{t('pay.method.idealHint')}</span>
                  </span>
                </label>
                <label className="option">
                  <input type="radio" name="method" value="creditcard" />
                  <span className="option-text">
                    <span className="option-title">{t('pay.method.creditcard')}</span>
                    <span className="muted small">{t('pay.method.creditcardHint')}</span>
                  </span>
                </label>
              </>
            ) : (
              <p className="alert info">{t('pay.onlineUnavailable', { organization: page.organizationName })}</p>
            )}
            {page.bankTransfer ? (
              <label className="option">
                <input type="radio" name="method" value="banktransfer" defaultChecked={!page.online} />
                <span className="option-text">
                  <span className="option-title">{t('pay.method.banktransfer')}</span>
                  <span className="muted small">{t('pay.method.banktransferHint')}</span>
                </span>
              </label>
            ) : null}
            {errors.method ? (
              <p className="field-error" id="method-error">
                {message(errors.method)}
              </p>
            ) : null}
          </fieldset>
        </section>

        <section
          className="card pay-summary"
          id="pay-summary"
          aria-labelledby="pay-summary-title"
          aria-live="polite"
          data-testid="pay-summary-section"
        >
          <h2 id="pay-summary-title" className="h2">
            {t('pay.summary.title')}
          </h2>
          {summary ? (
            <dl className="facts" data-testid="pay-summary">
              <dt>{t('pay.summary.chosen')}</dt>
              <dd className="amount">{money(summary.totalCents)}</dd>
              {summary.fromCreditCents > 0 ? (
                <>
                  <dt>{t('pay.summary.fromCredit')}</dt>
                  <dd className="amount">− {money(summary.fromCreditCents)}</dd>
                </>
              ) : null}
              <dt>{t('pay.total')}</dt>
              <dd className="amount strong" data-testid="pay-summary-charge">
                {money(summary.providerCents)}
              </dd>
            </dl>
          ) : (
            <p className="muted" data-testid="pay-summary">
              {t('pay.summary.incomplete')}
            </p>
          )}
          {/* Without JavaScript the total above is the one the page was sent with: this recomputes it. */}
          {!hydrated ? (
            <div className="pay-total-update">
              <button
                type="submit"
                name="intent"
                value={PAY_INTENT.total}
                className="secondary"
                formAction={`${formAction}#pay-summary`}
              >
                {t('pay.summary.update')}
              </button>
              <p className="hint small">{t('pay.summary.updateHint')}</p>
            </div>
          ) : null}
        </section>

        <div className="pay-submit">
          <button type="submit" className="block" disabled={busy}>
            {submitLabel}
          </button>
        </div>
        {page.online ? <p className="hint small">{t('pay.securityNote')}</p> : null}
      </Form>
    </div>
  );
}
