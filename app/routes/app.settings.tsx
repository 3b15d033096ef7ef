import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { NavLink, Outlet } from '@remix-run/react';
import { requireStaff } from '~/modules/staff/index.server';
import backofficeStyles from '~/styles/backoffice.css';
import type { MessageKey } from '~/utils/i18n';
import { useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: backofficeStyles }];
export const meta = titleMeta('app.settings');

/** Settings are for admins only; every page below checks again, since actions skip this loader. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, 'admin');
  return null;
}

const SECTIONS: { to: string; label: MessageKey; end?: boolean }[] = [
  { to: '/app/settings', label: 'bo.settings.nav.organization', end: true },
  { to: '/app/settings/branding', label: 'bo.settings.nav.branding' },
  { to: '/app/settings/dunning', label: 'bo.settings.nav.dunning' },
  { to: '/app/settings/plans', label: 'bo.settings.nav.plans' },
  { to: '/app/settings/disputes', label: 'bo.settings.nav.disputes' },
  { to: '/app/settings/payments', label: 'bo.settings.nav.payments' },
  { to: '/app/settings/bank', label: 'bank.settings.nav' },
  { to: '/app/settings/team', label: 'bo.settings.nav.team' },
  { to: '/app/settings/api-keys', label: 'bo.settings.nav.apiKeys' },
];

export default function SettingsLayout() {
  const t = useT();
  return (
    <div className="bo-page">
      <h1>{t('app.settings')}</h1>
      <div className="bo-settings">
        <nav className="bo-settings-nav" aria-label={t('bo.settings.navLabel')}>
          <ul>
            {SECTIONS.map((s) => (
              <li key={s.to}>
                <NavLink to={s.to} end={s.end} prefetch="intent">
                  {t(s.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="bo-settings-body">
          <Outlet />
        </div>
      </div>
    </div>
  );
}
