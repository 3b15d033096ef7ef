import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { getOrganizationSettings } from '~/modules/backoffice/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { useMoney } from '~/ui/backoffice/parts';
import { BrandColors } from '~/ui/brand-colors';
import { notFound } from '~/utils/http.server';
import { providerLabel } from '~/utils/i18n/labels';
import { useLocale, useT, useTn } from '~/utils/i18n/react';

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const org = await getOrganizationSettings(staff.organizationId);
  if (!org) notFound();
  return {
    org: {
      name: org.name,
      legalName: org.legalName,
      kvkNumber: org.kvkNumber,
      vatNumber: org.vatNumber,
      address: [org.addressLine, [org.postalCode, org.city].filter(Boolean).join(' '), org.country]
        .filter(Boolean)
        .join(', '),
      iban: org.iban,
      email: org.email,
      brandColor: org.brandColor,
      senderName: org.senderName,
      hasLogo: org.logoFileId !== null,
      paymentProvider: org.paymentProvider,
      consumerStages: org.dunningPolicy.consumer.length,
      businessStages: org.dunningPolicy.business.length,
      maxInstallments: org.planPolicy.maxInstallments,
      maxTotalCents: org.planPolicy.maxTotalCents,
      linkTtlDays: org.portalSettings.linkTtlDays,
      disputeResponseHours: org.portalSettings.disputeResponseHours,
    },
  };
}

export default function SettingsOverview() {
  const { org } = useLoaderData<typeof loader>();
  const t = useT();
  const tn = useTn();
  const locale = useLocale();
  const money = useMoney();
  return (
    <div className="stack">
      <section className="card" aria-labelledby="org-title">
        <h2 id="org-title">{t('bo.settings.organization')}</h2>
        <dl className="facts">
          <dt>{t('bo.settings.name')}</dt>
          <dd>{org.name}</dd>
          <dt>{t('settings.legalName')}</dt>
          <dd>{org.legalName}</dd>
          <dt>{t('settings.kvk')}</dt>
          <dd>{org.kvkNumber ?? '—'}</dd>
          <dt>{t('settings.address')}</dt>
          <dd>{org.address || '—'}</dd>
          <dt>{t('settings.vat')}</dt>
          <dd>{org.vatNumber ?? '—'}</dd>
          <dt>{t('settings.iban')}</dt>
          <dd>{org.iban ?? '—'}</dd>
          <dt>{t('bo.settings.email')}</dt>
          <dd>{org.email ?? '—'}</dd>
        </dl>
        <p className="small muted spaced">{t('bo.settings.organizationHint')}</p>
      </section>
      <div className="grid cols-2 bo-setting-cards">
        <Link to="/app/settings/branding" className="bo-setting-card">
          <strong>{t('bo.settings.nav.branding')}</strong>
          <span className="small muted">
            <BrandColors scope=".org-brand" color={org.brandColor} />
            <span className="bo-swatch org-brand" aria-hidden="true" /> {org.brandColor}
            {' · '}
            {org.hasLogo ? t('bo.settings.logoSet') : t('bo.settings.logoNone')}
          </span>
        </Link>
        <Link to="/app/settings/dunning" className="bo-setting-card">
          <strong>{t('bo.settings.nav.dunning')}</strong>
          <span className="small muted">
            {t('bo.settings.dunningSummary', {
              consumer: tn('count.stages', org.consumerStages),
              business: tn('count.stages', org.businessStages),
            })}
          </span>
        </Link>
        <Link to="/app/settings/plans" className="bo-setting-card">
          <strong>{t('bo.settings.nav.plans')}</strong>
          <span className="small muted">
            {tn('bo.settings.plansSummary', org.maxInstallments, { amount: money(org.maxTotalCents) })}
          </span>
        </Link>
        <Link to="/app/settings/disputes" className="bo-setting-card">
          <strong>{t('bo.settings.nav.disputes')}</strong>
          <span className="small muted">
            {t('bo.settings.disputesSummary', {
              hours: tn('count.hours', org.disputeResponseHours),
              days: tn('count.days', org.linkTtlDays),
            })}
          </span>
        </Link>
        <Link to="/app/settings/payments" className="bo-setting-card">
          <strong>{t('bo.settings.nav.payments')}</strong>
          <span className="small muted">
            {org.paymentProvider && org.paymentProvider !== 'demo'
              ? providerLabel(locale, org.paymentProvider)
              : t('settings.providerDemo')}
          </span>
        </Link>
        <Link to="/app/settings/team" className="bo-setting-card">
          <strong>{t('bo.settings.nav.team')}</strong>
          <span className="small muted">{t('bo.settings.teamSummary')}</span>
        </Link>
      </div>
    </div>
  );
}
