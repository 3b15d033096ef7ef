import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { requireDebtor } from '~/modules/links/index.server';
import { BrandColors } from '~/ui/brand-colors';
import { LanguageSwitch } from '~/ui/language-switch';

import { useT } from '~/utils/i18n/react';
import portalStyles from '~/styles/portal.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: portalStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const org = session.organization;
  return {
    organization: {
      name: org.name,
      legalName: org.legalName,
      brandColor: org.brandColor,
      logoUrl: org.logoFileId ? `/brand/${org.id}/logo` : null,
      kvkNumber: org.kvkNumber,
      email: org.email,
      phone: org.phone,
      website: org.website,
    },
  };
}

export default function PortalLayout() {
  const { organization } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div className="portal">
      <BrandColors scope=".portal" color={organization.brandColor} />
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="portal-header">
        <div className="container portal-header-row">
          <div className="brand">
            {organization.logoUrl ? (
              <img src={organization.logoUrl} alt={organization.name} />
            ) : (
              <span className="brand-mark" aria-hidden="true">
                {organization.name.slice(0, 1)}
              </span>
            )}
            {organization.logoUrl ? null : <span>{organization.name}</span>}
          </div>
          <div className="portal-header-tools">
            <LanguageSwitch />
            <Form method="post" action="/portal/logout" className="inline-form">
              <button type="submit" className="quiet">
                {t('portal.nav.signOut')}
              </button>
            </Form>
          </div>
        </div>
        <nav className="container portal-nav" aria-label={t('portal.nav.label')}>
          <NavLink to="/portal" end>
            {t('portal.nav.overview')}
          </NavLink>
          <NavLink to="/portal/plan">{t('plan.nav')}</NavLink>
          <NavLink to="/portal/history">{t('portal.nav.history')}</NavLink>
          <NavLink to="/portal/disputes">{t('dispute.nav.portal')}</NavLink>
        </nav>
      </header>
      <main id="main" className="container portal-main">
        <Outlet />
      </main>
      <footer className="site">
        <div className="container">
          <p>{t('portal.footer.questions', { organization: organization.legalName })}</p>
          <p>
            {[organization.email, organization.phone].filter(Boolean).join(' · ')}
            {organization.kvkNumber ? ` · ${t('portal.footer.kvk', { kvk: organization.kvkNumber })}` : ''}
          </p>
          <p>{t('portal.footer.secure')}</p>
        </div>
      </footer>
    </div>
  );
}
