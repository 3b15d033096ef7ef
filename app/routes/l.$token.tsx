import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { createDebtorSession, redeemLinkToken } from '~/modules/links/index.server';
import { audit } from '~/modules/audit/index.server';
import { getDb } from '~/utils/db.server';

/**
 * The landing of every emailed link: verify, open a portal session, and 303 to the portal so
 * the token leaves the address bar and history. A bad link lands on the help page, which
 * learns only which creditor a genuine-but-expired link was for.
 */
export async function loader({ params }: LoaderFunctionArgs) {
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
  return redirect(redeemed.target, { status: 303, headers: { 'Set-Cookie': result.setCookie! } });
}
