import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { requireDebtor } from '../modules/portal/session.server';
import { LanguageSwitch } from '../ui/language-switch';

import { useT } from '../utils/i18n/react';
import portalStyles from '../styles/portal.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: portalStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireDebtor(request);
  const org = session.organization;
  return {
    organization: {
      name: org.name,
      legalName: org.legalName,
      brandColor: /^#[0-9a-f]{6}$/i.test(org.brandColor) ? org.brandColor : '#0b5d4b',
      logoUrl: org.logoFileId ? `/brand/${org.id}/logo` : null,
      kvkNumber: org.kvkNumber,
      email: org.email,
      phone: org.phone,
      website: org.website,
    },
  };
}

/** Picks black or white text for the brand colour, whichever has the higher contrast. */
function contrastText(hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#111111' : '#ffffff';
}

export default function PortalLayout() {
  const { organization } = useLoaderData<typeof loader>();
  const t = useT();
  const brandStyle = {
    '--brand': organization.brandColor,
    '--brand-contrast': contrastText(organization.brandColor),
  } as React.CSSProperties;
  return (
    <div className="portal" style={brandStyle}>
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
