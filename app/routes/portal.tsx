import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { requireDebtor } from '~/modules/links/index.server';
import { BrandColors } from '~/ui/brand-colors';
import { LanguageSwitch } from '~/ui/language-switch';
import { contactDetails, CreditorContact } from '~/ui/portal/creditor-contact';

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
    },
    contact: contactDetails(org),
  };
}

/**
 * A page link reached with the keyboard scrolls fully into the row's view (the browser itself does
 * not scroll a partly visible one); without JavaScript the row still scrolls by hand.
 */
function revealFocused(event: React.FocusEvent<HTMLElement>) {
  event.target.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
}

export default function PortalLayout() {
  const { organization, contact } = useLoaderData<typeof loader>();
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
              <>
                <span className="brand-mark" aria-hidden="true">
                  {organization.name.slice(0, 1)}
                </span>
                <span className="brand-name">{organization.name}</span>
              </>
            )}
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
        <nav className="container portal-nav" onFocus={revealFocused} aria-label={t('portal.nav.label')}>
          <NavLink to="/portal" end>
            {t('portal.nav.overview')}
          </NavLink>
          <NavLink to="/portal/plan">{t('plan.nav')}</NavLink>
          <NavLink to="/portal/history">{t('portal.nav.history')}</NavLink>
          <NavLink to="/portal/disputes">{t('dispute.nav.portal')}</NavLink>
          {/* The creditor's contact details are in the footer of every page. */}
          <a className="portal-contact-link" href="#contact">
            {t('portal.nav.contact')}
          </a>
        </nav>
      </header>
      <main id="main" className="container portal-main">
        <Outlet />
      </main>
      <footer className="site">
        <div className="container stack">
          <CreditorContact contact={contact} />
          <p className="small">
            {[
              organization.legalName,
              organization.kvkNumber ? t('portal.footer.kvk', { kvk: organization.kvkNumber }) : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
          <p className="small">{t('portal.footer.secure')}</p>
        </div>
      </footer>
    </div>
  );
}
