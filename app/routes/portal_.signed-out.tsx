import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { getOrganizationSettings } from '~/modules/backoffice/index.server';
import { contactDetails, CreditorContact } from '~/ui/portal/creditor-contact';
import { FreshLinkForm } from '~/ui/portal/fresh-link-form';
import { LanguageSwitch } from '~/ui/language-switch';

import { useT } from '~/utils/i18n/react';
import { isUuid } from '~/utils/ids';

export const meta: MetaFunction = () => [{ title: 'Voldaan' }];

/** `o`, when a redirect names the creditor of the session that ended: its public contact details. */
export async function loader({ request }: LoaderFunctionArgs) {
  const o = new URL(request.url).searchParams.get('o');
  const org = isUuid(o) ? await getOrganizationSettings(o) : null;
  return org?.active
    ? { organizationHint: org.id, contact: contactDetails(org) }
    : { organizationHint: null, contact: null };
}

export default function SignedOut() {
  const { organizationHint, contact } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <main className="centered-page" id="main">
      <div className="card narrow stack">
        <h1>{t('portal.signedOut.title')}</h1>
        <p>{t('portal.signedOut.body')}</p>
        <FreshLinkForm organizationHint={organizationHint} state={undefined} />
        {contact ? <CreditorContact contact={contact} /> : null}
        <div className="small">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
