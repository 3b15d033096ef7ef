import { loader as landing } from '~/routes/l.$token';
import { issuePortalLink } from '~/modules/links/links.server';
import { getDb } from '~/utils/db.server';
import { cookieFrom, getRequest, routeArgs } from './http';

/** Issues a link for the debtor and follows it, returning the portal session cookie. */
export async function openPortal(debtor: { id: string; organizationId: string }) {
  const link = await getDb().transaction((tx) =>
    issuePortalLink(tx, { organizationId: debtor.organizationId, debtorId: debtor.id, purpose: 'reminder' }),
  );
  const response = (await landing(routeArgs(getRequest(`/l/${link.token}`), { token: link.token }))) as Response;
  if (response.status !== 303 || !response.headers.get('Set-Cookie')) throw new Error('landing did not open a session');
  return { cookie: cookieFrom(response), link };
}
