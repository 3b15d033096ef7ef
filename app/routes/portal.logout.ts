import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endDebtorSession, getDebtorSession, signedOutPath } from '~/modules/links/index.server';

export async function action({ request }: ActionFunctionArgs) {
  const session = await getDebtorSession(request);
  return redirect(signedOutPath('signed_out', session?.organizationId), {
    status: 303,
    headers: { 'Set-Cookie': await endDebtorSession(request) },
  });
}

// A GET never signs out (a link or an image could): sign-out is a POST, through the request-forgery gate.
export function loader() {
  return redirect('/portal');
}
