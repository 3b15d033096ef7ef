import { createCookie } from '@remix-run/node';
import { DEFAULT_LOCALE, isLocale, type Locale } from './index';

export const localeCookie = createCookie('vd_lang', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  maxAge: 365 * 24 * 3600,
});

/** The visitor's chosen language (cookie), else Dutch: the product's audience reads Dutch first. */
export async function getLocale(request: Request): Promise<Locale> {
  const value = await localeCookie.parse(request.headers.get('Cookie'));
  return isLocale(value) ? value : DEFAULT_LOCALE;
}
