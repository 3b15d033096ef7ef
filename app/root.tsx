import './utils/zod-jitless';
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import stylesHref from './styles/app.css';
import { DEFAULT_LOCALE, translate, type Locale, type MessageKey } from './utils/i18n';
import { getLocale } from './utils/i18n/locale.server';
import { BRAND, pageTitle } from './utils/i18n/meta';
import { useNonce } from './utils/nonce';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesHref },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

/** Each error page says in its title what happened (no access, not found), in the reader's language. */
export const meta: MetaFunction = ({ error, matches }) => [
  { title: error === undefined ? BRAND : pageTitle(matches, errorPage(error).title) },
];

export async function loader({ request }: LoaderFunctionArgs) {
  return { locale: await getLocale(request) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const nonce = useNonce();
  const locale: Locale = data?.locale ?? DEFAULT_LOCALE;
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** What an error page says: a title and a body of its own for "not found", "no access" and "unavailable". */
function errorPage(error: unknown): { status: number; title: MessageKey; body: MessageKey } {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  switch (status) {
    case 404:
      return { status, title: 'error.notFound.title', body: 'error.notFound' };
    case 403:
      return { status, title: 'error.forbidden.title', body: 'error.forbidden' };
    case 503:
      return { status, title: 'error.unavailable.title', body: 'error.unavailable.body' };
    default:
      return { status, title: 'error.title', body: 'error.body' };
  }
}

/** Where the reader can go on from here: the part of the product the address belongs to. */
function wayBack(pathname: string): { href: string; label: MessageKey } {
  if (pathname === '/app' || pathname.startsWith('/app/')) return { href: '/app', label: 'error.toOverview' };
  if (pathname === '/portal' || pathname.startsWith('/portal/')) return { href: '/portal', label: 'error.toPortal' };
  return { href: '/', label: 'error.toStart' };
}

/**
 * The one error page (no route below has a boundary of its own, so a 404 or 403 in the back office or
 * the portal looks the same): what happened, and what the reader can do about it. Plain links and a
 * plain form, so it works without JavaScript.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const { pathname } = useLocation();
  const data = useRouteLoaderData<typeof loader>('root');
  const locale: Locale = data?.locale ?? DEFAULT_LOCALE;
  const t = (key: MessageKey) => translate(locale, key);
  const page = errorPage(error);
  const back = wayBack(pathname);
  return (
    <main className="centered-page" id="main">
      <div className="card narrow stack" data-status={page.status}>
        <h1>{t(page.title)}</h1>
        <p>{t(page.body)}</p>
        {page.status === 403 ? <p>{t('error.forbidden.ask')}</p> : null}
        <p>
          <a href={back.href}>{t(back.label)}</a>
        </p>
        {page.status === 403 ? (
          <form method="post" action="/logout">
            <button type="submit" className="secondary">
              {t('error.signInOther')}
            </button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
