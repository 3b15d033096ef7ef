import type {
  ActionFunctionArgs,
  HeadersFunction,
  LinksFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import {
  completeDemoCheckout,
  DEMO_OUTCOMES,
  demoProviderAllowed,
  getDemoCheckoutPage,
} from '~/modules/payments/index.server';
import payStyles from '~/styles/pay.css';
import { LanguageSwitch } from '~/ui/language-switch';
import { parseForm } from '~/utils/forms';
import { notFound } from '~/utils/http.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { formatMoney } from '~/utils/money';
import { pageTitle } from '~/utils/i18n/meta';

/**
 * The demo provider's hosted checkout (development and demos only; 404 in production). It plays
 * Mollie's or Stripe's page: the visitor picks an outcome, the demo sends its signed webhook to
 * /webhooks/demo and returns the visitor to our return page.
 */
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: payStyles }];
export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(matches, 'pay.demo.title') },
  { name: 'robots', content: 'noindex' },
];
// `same-origin`, not `no-referrer`: under no-referrer browsers post `Origin: null`, which Remix refuses as CSRF.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });

export async function loader({ params }: LoaderFunctionArgs) {
  if (!demoProviderAllowed()) notFound();
  const page = await getDemoCheckoutPage(params.id ?? '');
  if (!page) notFound();
  return page;
}

export async function action({ request, params }: ActionFunctionArgs) {
  if (!demoProviderAllowed()) notFound();
  // Built here, not at module level: the outcomes live in a server module the browser bundle does not get.
  const parsed = parseForm(z.object({ outcome: z.enum(DEMO_OUTCOMES) }), await request.formData());
  if (!parsed.ok) throw new Response('Choose an outcome', { status: 400 });
  const next = await completeDemoCheckout(params.id ?? '', parsed.data.outcome);
  if (!next) notFound();
  throw redirect(next);
}

export default function DemoCheckout() {
  const page = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <main className="centered-page demo-checkout" id="main">
      <div className="card narrow stack">
        <p className="demo-banner" role="note">
          {t('pay.demo.banner')}
        </p>
        <h1>{t('pay.demo.title')}</h1>
        <p className="muted small">{t('pay.demo.explain')}</p>
        <dl className="facts">
          <dt>{t('pay.demo.to')}</dt>
          <dd>{page.organizationName}</dd>
          <dt>{t('pay.demo.description')}</dt>
          <dd>{page.description}</dd>
          <dt>{t('pay.demo.amount')}</dt>
          <dd className="amount strong" data-testid="demo-amount">
            {formatMoney(page.amountCents, 'EUR', locale)}
          </dd>
        </dl>
        {page.status === 'open' ? (
          <Form method="post" className="stack">
            <fieldset className="demo-outcomes">
              <legend className="h2">{t('pay.demo.outcome')}</legend>
              <button type="submit" name="outcome" value="paid" className="block">
                {t('pay.demo.paid')}
              </button>
              <button type="submit" name="outcome" value="failed" className="block secondary">
                {t('pay.demo.failed')}
              </button>
              <button type="submit" name="outcome" value="canceled" className="block secondary">
                {t('pay.demo.canceled')}
              </button>
              <button type="submit" name="outcome" value="expired" className="block secondary">
                {t('pay.demo.expired')}
              </button>
            </fieldset>
          </Form>
        ) : (
          <>
            <p className="alert info">{t('pay.demo.done', { status: t(`pay.status.${page.status}`) })}</p>
            <p>
              <Link to={page.returnPath} className="button">
                {t('pay.demo.continue')}
              </Link>
            </p>
          </>
        )}
        <div className="small">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
