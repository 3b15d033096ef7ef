import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { isLocale } from '~/utils/i18n';
import { localeCookie } from '~/utils/i18n/locale.server';
import { safeRedirect } from '~/utils/http.server';

/** POST /language: remembers the chosen language and returns to the page the visitor was on. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get('locale');
  const to = safeRedirect(form.get('redirectTo'), '/');
  if (!isLocale(locale)) return redirect(to, 303);
  return redirect(to, { status: 303, headers: { 'Set-Cookie': await localeCookie.serialize(locale) } });
}

export function loader() {
  return redirect('/');
}
