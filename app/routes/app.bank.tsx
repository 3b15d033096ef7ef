import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { NavLink, Outlet, useRouteLoaderData } from '@remix-run/react';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import bankStyles from '~/styles/bank.css';
import { useT } from '~/utils/i18n/react';
import type { loader as appLoader } from './app';
import { titleMeta } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: backofficeStyles },
  { rel: 'stylesheet', href: bankStyles },
];
export const meta = titleMeta('bank.title');

/** Bank statements are finance's (and admin's); every page below checks again, since actions skip this loader. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, 'finance');
  return null;
}

export default function BankLayout() {
  const t = useT();
  const queued = useRouteLoaderData<typeof appLoader>('routes/app')?.bankQueue ?? 0;
  return (
    <div className="bo-page stack">
      <h1>{t('bank.title')}</h1>
      <nav aria-label={t('bank.tabs.label')}>
        <ul className="bo-tabs bank-tabs">
          <li>
            <NavLink to="/app/bank" end>
              {t('bank.tabs.upload')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/app/bank/queue">
              {queued > 0 ? t('bank.tabs.queueCount', { queued }) : t('bank.tabs.queue')}
            </NavLink>
          </li>
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}
