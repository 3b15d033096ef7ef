import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { eq } from 'drizzle-orm';
import { organizations } from '../../db/schema';
import { requireStaff } from '../modules/staff/auth.server';
import { getDb } from '../utils/db.server';
import { useT } from '../utils/i18n/react';

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const [org] = await getDb()
    .select({
      name: organizations.name,
      legalName: organizations.legalName,
      kvkNumber: organizations.kvkNumber,
      vatNumber: organizations.vatNumber,
      iban: organizations.iban,
      paymentProvider: organizations.paymentProvider,
    })
    .from(organizations)
    .where(eq(organizations.id, staff.organizationId));
  return { org };
}

export default function Settings() {
  const { org } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section className="stack">
      <h1>{t('app.settings')}</h1>
      <div className="card">
        <dl className="facts">
          <dt>{t('settings.legalName')}</dt>
          <dd>{org.legalName}</dd>
          <dt>{t('settings.kvk')}</dt>
          <dd>{org.kvkNumber ?? '—'}</dd>
          <dt>{t('settings.vat')}</dt>
          <dd>{org.vatNumber ?? '—'}</dd>
          <dt>{t('settings.iban')}</dt>
          <dd>{org.iban ?? '—'}</dd>
          <dt>{t('settings.provider')}</dt>
          <dd>{org.paymentProvider ?? t('settings.providerDemo')}</dd>
        </dl>
      </div>
    </section>
  );
}
