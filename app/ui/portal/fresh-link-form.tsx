import { Form, useNavigation } from '@remix-run/react';
import { useT } from '~/utils/i18n/react';

export type FreshLinkFormState = { status: 'sent' | 'throttled' } | { status: 'invalid'; email: string } | undefined;

/** "Email me a new link": a plain form, so it works without JavaScript. */
export function FreshLinkForm({
  organizationHint,
  state,
  intro,
  prominent = false,
}: {
  organizationHint?: string | null;
  state: FreshLinkFormState;
  /** Replaces the standard introduction (e.g. after a revocation: where the link will go). */
  intro?: string;
  /** Sets the form apart as the page's main way forward. */
  prominent?: boolean;
}) {
  const t = useT();
  const busy = useNavigation().state === 'submitting';
  if (state?.status === 'sent') {
    return (
      <p className="alert success" role="status">
        {t('link.request.sent')}
      </p>
    );
  }
  return (
    <section aria-labelledby="fresh-link-title" className={prominent ? 'alert info' : undefined}>
      <h2 id="fresh-link-title">{t('link.request.title')}</h2>
      <p>{intro ?? t('link.request.intro')}</p>
      {state?.status === 'throttled' ? (
        <p className="alert warn" role="alert">
          {t('link.request.throttled')}
        </p>
      ) : null}
      <Form method="post" action="/link-help" noValidate>
        {organizationHint ? <input type="hidden" name="o" value={organizationHint} /> : null}
        <div className="field">
          <label htmlFor="fresh-email">{t('link.request.email')}</label>
          <input
            id="fresh-email"
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            required
            defaultValue={state?.status === 'invalid' ? state.email : undefined}
            aria-invalid={state?.status === 'invalid' ? true : undefined}
            aria-describedby={state?.status === 'invalid' ? 'fresh-email-error' : undefined}
          />
          {state?.status === 'invalid' ? (
            <p className="field-error" id="fresh-email-error">
              {t('link.request.invalidEmail')}
            </p>
          ) : null}
        </div>
        <button type="submit" className="block" disabled={busy}>
          {t('link.request.submit')}
        </button>
      </Form>
    </section>
  );
}
