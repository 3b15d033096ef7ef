import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { countQueuedEntries } from '~/modules/bank/index.server';
import { hasRole } from '~/modules/staff/index';
import { requireStaff } from '~/modules/staff/index.server';
import { LanguageSwitch } from '~/ui/language-switch';
import { useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('app.backoffice');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  const seesBank = hasRole(staff, 'finance');
  return {
    staff: { name: staff.name, email: staff.email, role: staff.role, organizationName: staff.organizationName },
    bankQueue: seesBank ? await countQueuedEntries(staff.organizationId) : 0,
  };
}

/**
 * A page link reached with the keyboard scrolls fully into the row's view (the browser itself does
 * not scroll a partly visible one); without JavaScript the row still scrolls by hand.
 */
function revealFocused(event: React.FocusEvent<HTMLElement>) {
  event.target.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
}

export default function BackOffice() {
  const { staff, bankQueue } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="container topbar-row">
          <a className="brand" href="/app">
            <span className="brand-mark" aria-hidden="true">
              V
            </span>
            <span className="brand-name">{staff.organizationName}</span>
          </a>
          <div className="topbar-tools">
            <span className="small muted topbar-who" data-testid="signed-in-as">
              {t('app.signedInAs', { name: staff.name, role: t(`role.${staff.role}` as const) })}
            </span>
            <LanguageSwitch />
            <Form method="post" action="/logout" className="inline-form">
              <button type="submit" className="quiet">
                {t('app.logout')}
              </button>
            </Form>
          </div>
        </div>
        <nav className="container topbar-nav" onFocus={revealFocused} aria-label={t('app.name')}>
          <NavLink to="/app" end>
            {t('app.dashboard')}
          </NavLink>
          <NavLink to="/app/debtors">{t('bo.nav.debtors')}</NavLink>
          <NavLink to="/app/invoices">{t('bo.nav.invoices')}</NavLink>
          {hasRole(staff, 'support') ? <NavLink to="/app/disputes">{t('dispute.nav.backoffice')}</NavLink> : null}
          {hasRole(staff, 'finance') ? <NavLink to="/app/plans">{t('plan.bo.nav')}</NavLink> : null}
          {hasRole(staff, 'finance') ? <NavLink to="/app/imports">{t('bo.import.nav')}</NavLink> : null}
          {hasRole(staff, 'finance') ? (
            <NavLink to="/app/bank" data-testid="nav-bank">
              {t('bank.nav')}
              {bankQueue > 0 ? (
                <>
                  {' '}
                  <span className="badge warn" aria-hidden="true">
                    {bankQueue}
                  </span>
                  <span className="visually-hidden">({t('bank.nav.queueCount', { count: bankQueue })})</span>
                </>
              ) : null}
            </NavLink>
          ) : null}
          {hasRole(staff, 'admin') ? <NavLink to="/app/settings">{t('app.settings')}</NavLink> : null}
        </nav>
      </header>
      <main id="main" className="container bo-main">
        <Outlet />
      </main>
    </>
  );
}
