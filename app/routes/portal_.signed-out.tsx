import type { LoaderFunctionArgs } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { getOrganizationSettings } from '~/modules/backoffice/index.server';
import { parseSessionEndReason, type SessionEndReason } from '~/modules/links/index.server';
import { contactDetails, CreditorContact } from '~/ui/portal/creditor-contact';
import { FreshLinkForm } from '~/ui/portal/fresh-link-form';
import { LanguageSwitch } from '~/ui/language-switch';
import type { MessageKey } from '~/utils/i18n';
import { useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';
import { isUuid } from '~/utils/ids';

export const meta = titleMeta('portal.signedOut.title');

/**
 * The reason comes from the address, so only a name on the fixed list is read (never echoed).
 * `o`, when the redirect names the creditor of the session that ended: its public contact details.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const search = new URL(request.url).searchParams;
  const reason = parseSessionEndReason(search.get('reason'));
  const o = search.get('o');
  const org = isUuid(o) ? await getOrganizationSettings(o) : null;
  return org?.active
    ? { reason, organizationHint: org.id, contact: contactDetails(org) }
    : { reason, organizationHint: null, contact: null };
}

const TEXT: Record<SessionEndReason | 'none', { title: MessageKey; body: MessageKey }> = {
  revoked: { title: 'portal.signedOut.revoked.title', body: 'portal.signedOut.revoked.body' },
  idle: { title: 'portal.signedOut.title', body: 'portal.signedOut.body' },
  expired: { title: 'portal.signedOut.expired.title', body: 'portal.signedOut.expired.body' },
  signed_out: { title: 'portal.signedOut.byYou.title', body: 'portal.signedOut.byYou.body' },
  none: { title: 'portal.signedOut.none.title', body: 'portal.signedOut.none.body' },
};

export default function SignedOut() {
  const { reason, organizationHint, contact } = useLoaderData<typeof loader>();
  const t = useT();
  const text = TEXT[reason ?? 'none'];
  return (
    <main className="centered-page" id="main">
      <div className="card narrow stack" data-testid="signed-out" data-reason={reason ?? 'none'}>
        <h1>{t(text.title)}</h1>
        <p>{t(text.body)}</p>
        {/*
          After a revocation a fresh link is still offered: it goes only to the address the creditor
          has on file (the same request anyone can make on /link-help), so it opens nothing for
          whoever held the withdrawn link unless that address is theirs.
        */}
        <FreshLinkForm
          organizationHint={organizationHint}
          state={undefined}
          intro={reason === 'revoked' ? t('portal.signedOut.revoked.freshIntro') : undefined}
          prominent={reason === 'revoked'}
        />
        {contact ? <CreditorContact contact={contact} /> : null}
        <div className="small">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
