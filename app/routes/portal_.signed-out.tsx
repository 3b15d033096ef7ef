import { FreshLinkForm } from '~/ui/portal/fresh-link-form';
import { LanguageSwitch } from '~/ui/language-switch';

import { useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('portal.signedOut.title');

export default function SignedOut() {
  const t = useT();
  return (
    <main className="centered-page" id="main">
      <div className="card narrow stack">
        <h1>{t('portal.signedOut.title')}</h1>
        <p>{t('portal.signedOut.body')}</p>
        <FreshLinkForm state={undefined} />
        <div className="small">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
