import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { setDebtorLocale } from '~/modules/debtors/index.server';
import { getDebtorSession } from '~/modules/links/index.server';
import { field, parseForm } from '~/utils/forms';
import { isLocale } from '~/utils/i18n';
import { localeCookie } from '~/utils/i18n/locale.server';
import { safeRedirect } from '~/utils/http.server';

const languageForm = z.object({ locale: field(), redirectTo: field({ trim: false }) });

/**
 * POST /language: remembers the chosen language and returns to the page the visitor was on.
 * A debtor signed in to the portal makes it their language (`debtors.locale`): every later
 * email and the portal opened from a link follow it, and staff see it.
 */
export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(languageForm, await request.formData());
  // Never refuses: a missing or odd value is '' and means "no change", back to the home page.
  const { locale, redirectTo } = parsed.ok ? parsed.data : { locale: '', redirectTo: '' };
  const to = safeRedirect(redirectTo, '/');
  if (!isLocale(locale)) return redirect(to, 303);
  // Only the portal's own switch speaks for the debtor (not the back office in a browser that also holds a portal session).
  const debtor = isPortalPath(to) ? await getDebtorSession(request) : null;
  if (debtor) await setDebtorLocale(debtor, locale);
  return redirect(to, { status: 303, headers: { 'Set-Cookie': await localeCookie.serialize(locale) } });
}

function isPortalPath(path: string) {
  return /^\/portal(?:[/?#]|$)/.test(path);
}

export function loader() {
  return redirect('/');
}
