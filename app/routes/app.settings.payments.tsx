import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import type { FormErrors } from '~/modules/backoffice/index';
import { getProviderSettings, saveProviderSettings } from '~/modules/payments/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { errorProps, FieldMessage } from '~/ui/backoffice/parts';
import { checkbox, choice, field, parseForm } from '~/utils/forms';
import type { MessageKey } from '~/utils/i18n';
import { providerLabel } from '~/utils/i18n/labels';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.settings.nav.payments');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  return { settings: await getProviderSettings(staff.organizationId) };
}

type SecretField = 'mollieApiKey' | 'stripeSecretKey' | 'stripeWebhookSecret';
const FORMAT_ERRORS: Record<SecretField, MessageKey> = {
  mollieApiKey: 'bo.payments.error.mollieKey',
  stripeSecretKey: 'bo.payments.error.stripeKey',
  stripeWebhookSecret: 'bo.payments.error.stripeWebhook',
};

/** The provider form: the choice, the secrets as typed (checked by saveProviderSettings), what to forget. */
const providerForm = z
  .object({
    provider: choice(['none', 'mollie', 'stripe'], { key: 'bo.payments.error.provider' }),
    mollieApiKey: field({ trim: false }),
    stripeSecretKey: field({ trim: false }),
    stripeWebhookSecret: field({ trim: false }),
    'clear.mollie': checkbox(),
    'clear.stripe': checkbox(),
  })
  .transform(({ 'clear.mollie': clearMollie, 'clear.stripe': clearStripe, ...rest }) => ({
    ...rest,
    clearMollie,
    clearStripe,
  }));

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const parsed = parseForm(providerForm, form);
  if (!parsed.ok) return data({ errors: parsed.errors, provider: 'none' }, { status: 400 });
  const { provider: choice, clearMollie, clearStripe, ...secrets } = parsed.data;
  const clear = [...(clearMollie ? (['mollie'] as const) : []), ...(clearStripe ? (['stripe'] as const) : [])];
  const result = await saveProviderSettings(
    staff.organizationId,
    { provider: choice === 'none' ? null : choice, ...secrets, clear },
    { actor: { type: 'staff', id: staff.id } },
  );
  if (!result.ok) {
    const errors: FormErrors = {};
    for (const [field, message] of Object.entries(result.errors)) {
      if (field === 'provider') errors.provider = { key: 'bo.payments.error.provider' };
      else if (message?.startsWith('no ')) errors[field] = { key: 'bo.payments.error.noCredentials' };
      else if (field === 'stripeSecretKey' && message?.includes('webhook secret')) {
        errors[field] = { key: 'bo.payments.error.webhookNeedsKey' };
      } else errors[field] = { key: FORMAT_ERRORS[field as SecretField] ?? 'bo.payments.error.provider' };
    }
    // Secrets are never echoed back into the form.
    return data({ errors, provider: choice }, { status: 400 });
  }
  return redirect('/app/settings/payments?saved=1');
}

export default function PaymentSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const errors: FormErrors = result?.errors ?? {};
  const chosen = result?.provider ?? settings.provider ?? 'none';
  const effective = settings.effective;
  return (
    <section className="card" aria-labelledby="payments-title">
      <h2 id="payments-title">{t('bo.settings.nav.payments')}</h2>
      <p className="muted">{t('bo.payments.intro')}</p>
      {params.get('saved') && !result ? (
        <div className="alert success" role="status">
          {t('bo.settings.saved')}
        </div>
      ) : null}
      {Object.keys(errors).length > 0 ? (
        <div className="alert error" role="alert">
          {t('bo.form.fixErrors')}
        </div>
      ) : null}
      <div className="alert info" data-testid="effective-provider">
        {effective
          ? t('bo.payments.effective', {
              provider: providerLabel(locale, effective.provider),
              source: t(`bo.payments.source.${effective.source}`),
            })
          : t('bo.payments.effectiveNone')}
      </div>
      <Form method="post" noValidate autoComplete="off">
        <div className="field">
          <label htmlFor="provider">{t('bo.payments.provider')}</label>
          <select
            id="provider"
            name="provider"
            defaultValue={chosen}
            {...errorProps('provider', errors.provider, 'provider-hint')}
          >
            <option value="none">{t('bo.payments.providerNone')}</option>
            <option value="mollie">{providerLabel(locale, 'mollie')}</option>
            <option value="stripe">{providerLabel(locale, 'stripe')}</option>
          </select>
          <span className="hint" id="provider-hint">
            {t('bo.payments.providerHint')}
          </span>
          <FieldMessage id="provider-error" error={errors.provider} />
        </div>

        <fieldset className="bo-fieldset">
          <legend>Mollie</legend>
          <SecretInput
            name="mollieApiKey"
            label={t('bo.payments.mollieApiKey')}
            stored={settings.mollie.apiKey}
            error={errors.mollieApiKey}
            placeholder="live_… / test_…"
          />
          {settings.mollie.apiKey ? (
            <div className="bo-check">
              <input id="clear-mollie" name="clear.mollie" type="checkbox" />
              <label htmlFor="clear-mollie">{t('bo.payments.clearMollie')}</label>
            </div>
          ) : null}
          <p className="small muted">
            {t('bo.payments.webhookUrl')} <code>{settings.mollieWebhookUrl}</code>
          </p>
          {settings.environment.mollie ? <p className="small muted">{t('bo.payments.envMollie')}</p> : null}
        </fieldset>

        <fieldset className="bo-fieldset">
          <legend>Stripe</legend>
          <SecretInput
            name="stripeSecretKey"
            label={t('bo.payments.stripeSecretKey')}
            stored={settings.stripe.secretKey}
            error={errors.stripeSecretKey}
            placeholder="sk_live_… / sk_test_…"
          />
          <SecretInput
            name="stripeWebhookSecret"
            label={t('bo.payments.stripeWebhookSecret')}
            stored={settings.stripe.webhookSecret}
            error={errors.stripeWebhookSecret}
            placeholder="whsec_…"
          />
          {settings.stripe.secretKey ? (
            <div className="bo-check">
              <input id="clear-stripe" name="clear.stripe" type="checkbox" />
              <label htmlFor="clear-stripe">{t('bo.payments.clearStripe')}</label>
            </div>
          ) : null}
          <p className="small muted">
            {t('bo.payments.webhookUrl')} <code>{settings.stripe.webhookUrl}</code>
          </p>
          {settings.environment.stripe ? <p className="small muted">{t('bo.payments.envStripe')}</p> : null}
        </fieldset>
        <p className="small muted">{t('bo.payments.secretsNote')}</p>
        <button type="submit" disabled={busy}>
          {t('bo.settings.save')}
        </button>
      </Form>
    </section>
  );
}

function SecretInput({
  name,
  label,
  stored,
  error,
  placeholder,
}: {
  name: SecretField;
  label: string;
  stored: string | null;
  error?: FormErrors[string];
  placeholder: string;
}) {
  const t = useT();
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        placeholder={placeholder}
        maxLength={300}
        {...errorProps(name, error, `${name}-hint`)}
      />
      <span className="hint" id={`${name}-hint`} data-testid={`${name}-stored`}>
        {stored ? t('bo.payments.stored', { masked: stored }) : t('bo.payments.notStored')}
      </span>
      <FieldMessage id={`${name}-error`} error={error} />
    </div>
  );
}
