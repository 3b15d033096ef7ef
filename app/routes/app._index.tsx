import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { requireStaff } from '../modules/staff/auth.server';
import { useT } from '../utils/i18n/react';

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request);
  return { name: staff.name, organizationName: staff.organizationName };
}

export default function Dashboard() {
  const { name, organizationName } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section className="stack">
      <h1>{t('app.welcome', { name })}</h1>
      <p className="muted">{t('app.shellIntro', { organization: organizationName })}</p>
    </section>
  );
}
