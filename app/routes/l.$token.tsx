import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { createDebtorSession, redeemLinkToken } from '~/modules/links/index.server';
import { audit } from '~/modules/audit/index.server';
import { debtorLocale } from '~/modules/debtors/index.server';
import { getDb } from '~/utils/db.server';
import { isLocale } from '~/utils/i18n';
import { localeCookie } from '~/utils/i18n/locale.server';

/**
 * The landing of every emailed link: verify, open a portal session, and 303 to the portal so
 * the token leaves the address bar and history. A bad link lands on the help page, which
 * learns only which creditor a genuine-but-expired link was for. A browser without a language
 * cookie gets the debtor's language (the one their emails are in).
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  const result = await getDb().transaction(async (tx) => {
    const redeemed = await redeemLinkToken(tx, token);
    if (!redeemed.ok) return { redeemed };
    const setCookie = await createDebtorSession(tx, redeemed);
    await audit(tx, {
      organizationId: redeemed.organizationId,
      actor: { type: 'debtor', id: redeemed.debtorId },
      action: 'portal.opened',
      entityType: 'portal_link',
      entityId: redeemed.jti,
      debtorId: redeemed.debtorId,
    });
    return { redeemed, setCookie };
  });
  const { redeemed } = result;
  if (!redeemed.ok) {
    const search = new URLSearchParams({ reason: redeemed.reason === 'expired' ? 'expired' : 'invalid' });
    if (redeemed.organizationId) search.set('o', redeemed.organizationId);
    return redirect(`/link-help?${search}`, 303);
  }
  const headers = new Headers({ 'Set-Cookie': result.setCookie! });
  const chosen = await localeCookie.parse(request.headers.get('Cookie'));
  if (!isLocale(chosen)) {
    const locale = await debtorLocale(redeemed);
    if (locale) headers.append('Set-Cookie', await localeCookie.serialize(locale));
  }
  return redirect(redeemed.target, { status: 303, headers });
}
