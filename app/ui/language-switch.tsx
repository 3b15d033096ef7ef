import { Form, useLocation } from '@remix-run/react';
import { useLocale, useT } from '~/utils/i18n/react';

/** A plain form, so switching works without JavaScript. */
export function LanguageSwitch() {
  const locale = useLocale();
  const t = useT();
  const location = useLocation();
  const other = locale === 'nl' ? 'en' : 'nl';
  return (
    <Form method="post" action="/language" className="inline-form" reloadDocument>
      <input type="hidden" name="locale" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className="quiet" lang={other}>
        {t('nav.switchTo')}
      </button>
    </Form>
  );
}
