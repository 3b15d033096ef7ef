import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { logout } from '../modules/staff/auth.server';

export async function action({ request }: ActionFunctionArgs) {
  return redirect('/login', { status: 303, headers: { 'Set-Cookie': await logout(request) } });
}

export function loader() {
  return redirect('/login');
}
