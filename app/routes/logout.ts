import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { logout } from '~/modules/staff/index.server';

export async function action({ request }: ActionFunctionArgs) {
  return redirect('/login', { status: 303, headers: { 'Set-Cookie': await logout(request) } });
}

// A GET never signs out (a link or an image could): sign-out is a POST, through the request-forgery gate.
export function loader() {
  return redirect('/login');
}
