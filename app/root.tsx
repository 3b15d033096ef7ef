import './utils/zod-jitless';
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import stylesHref from './styles/app.css';
import { DEFAULT_LOCALE, translate, type Locale } from './utils/i18n';
import { getLocale } from './utils/i18n/locale.server';
import { useNonce } from './utils/nonce';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesHref },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Voldaan' }];

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

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const locale: Locale = data?.locale ?? DEFAULT_LOCALE;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    status === 404
      ? translate(locale, 'error.notFound')
      : status === 403
        ? translate(locale, 'error.forbidden')
        : status === 503
          ? translate(locale, 'error.unavailable.body')
          : translate(locale, 'error.body');
  return (
    <main className="centered-page" id="main">
      <div className="card narrow">
        <h1>{translate(locale, status === 503 ? 'error.unavailable.title' : 'error.title')}</h1>
        <p>{message}</p>
        <p>
          <a href="/">{translate(locale, 'error.back')}</a>
        </p>
      </div>
    </main>
  );
}
