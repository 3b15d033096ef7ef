import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { getOrganizationSettings } from '~/modules/backoffice/index.server';
import { requestFreshLink } from '~/modules/links/index.server';
import { contactDetails, CreditorContact } from '~/ui/portal/creditor-contact';
import { FreshLinkForm } from '~/ui/portal/fresh-link-form';
import { LanguageSwitch } from '~/ui/language-switch';

import { field, parseForm, typedValues } from '~/utils/forms';
import { useT } from '~/utils/i18n/react';
import { clientIp } from '~/utils/rate-limit.server';
import { isUuid } from '~/utils/ids';
import { pageTitle } from '~/utils/i18n/meta';

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, 'link.invalid.title') }];

/**
 * `o` is the creditor of a link that was signed by us but no longer works (expired, revoked): its
 * public contact details are shown, so the debtor can also simply ask. Any other value shows none.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const o = url.searchParams.get('o');
  const organizationHint = isUuid(o) ? o : null;
  const org = organizationHint ? await getOrganizationSettings(organizationHint) : null;
  return {
    expired: url.searchParams.get('reason') === 'expired',
    organizationHint,
    contact: org?.active ? contactDetails(org) : null,
  };
}

const RequestSchema = z.object({ email: field().pipe(z.email().max(320)), o: field() });

/**
 * The same path for a known and an unknown address, by construction: validate the form, count the
 * throttles (keyed by the submitted address string and the client IP, never by a lookup), enqueue
 * one job with what was submitted, answer. No step reads debtors, so no step can branch on whether
 * the address is known; the lookup, the link, the email and the audit happen in the job
 * (app/modules/links/fresh-link.task.server.ts), after the answer has gone.
 */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = parseForm(RequestSchema, form);
  if (!parsed.ok) {
    return data({ status: 'invalid' as const, email: typedValues(form, ['email'], 320).email }, { status: 400 });
  }
  const outcome = await requestFreshLink({
    email: parsed.data.email,
    organizationId: isUuid(parsed.data.o) ? parsed.data.o : undefined,
    ip: clientIp(request),
  });
  if (outcome === 'throttled') return data({ status: 'throttled' as const }, { status: 429 });
  return { status: 'sent' as const };
}

export default function LinkHelp() {
  const { expired, organizationHint, contact } = useLoaderData<typeof loader>();
  const state = useActionData<typeof action>();
  const t = useT();
  return (
    <main className="centered-page" id="main">
      <div className="card narrow stack">
        {state ? (
          <h1>{t('link.request.title')}</h1>
        ) : (
          <>
            <h1>{t('link.invalid.title')}</h1>
            <p>{expired ? t('link.invalid.expired') : t('link.invalid.other')}</p>
          </>
        )}
        <FreshLinkForm organizationHint={organizationHint} state={state} />
        {contact ? <CreditorContact contact={contact} /> : null}
        <div className="small">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
