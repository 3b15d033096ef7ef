import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { transferNoticeDaysOf } from '~/modules/bank/index';
import { parsePortalSettings, type FormErrors } from '~/modules/backoffice/index';
import { getOrganizationSettings, savePortalSettings } from '~/modules/backoffice/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { typedValues } from '~/utils/forms';
import { centsInput, TextField } from '~/ui/backoffice/parts';
import { notFound } from '~/utils/http.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.settings.nav.disputes');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const org = await getOrganizationSettings(staff.organizationId);
  if (!org) notFound();
  return { settings: org.portalSettings };
}

const FIELDS = [
  'disputeResponseHours',
  'disputeRejectGraceDays',
  'linkTtlDays',
  'minPartialPaymentCents',
  'transferNoticeDays',
] as const;

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const parsed = parsePortalSettings(form);
  if (!parsed.ok) {
    return data({ errors: parsed.errors, values: typedValues(form, FIELDS, 40) }, { status: 400 });
  }
  await savePortalSettings(staff, parsed.value);
  return redirect('/app/settings/disputes?saved=1');
}

export default function DisputeSettings() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const errors: FormErrors = result?.errors ?? {};
  const value = (name: (typeof FIELDS)[number], fallback: string) => (result ? (result.values[name] ?? '') : fallback);
  return (
    <section className="card" aria-labelledby="disputes-title">
      <h2 id="disputes-title">{t('bo.settings.nav.disputes')}</h2>
      <p className="muted">{t('bo.portalSettings.intro')}</p>
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
      <Form method="post" noValidate>
        <fieldset className="bo-fieldset">
          <legend>{t('bo.portalSettings.disputes')}</legend>
          <div className="grid cols-2">
            <TextField
              name="disputeResponseHours"
              label={t('bo.portalSettings.responseHours')}
              hint={t('bo.portalSettings.responseHoursHint')}
              inputMode="numeric"
              defaultValue={value('disputeResponseHours', String(settings.disputeResponseHours))}
              error={errors.disputeResponseHours}
              suffix={t('bo.unit.hours')}
            />
            <TextField
              name="disputeRejectGraceDays"
              label={t('bo.portalSettings.rejectGrace')}
              hint={t('bo.portalSettings.rejectGraceHint')}
              inputMode="numeric"
              defaultValue={value('disputeRejectGraceDays', String(settings.disputeRejectGraceDays))}
              error={errors.disputeRejectGraceDays}
              suffix={t('bo.unit.days')}
            />
          </div>
        </fieldset>
        <fieldset className="bo-fieldset">
          <legend>{t('bo.portalSettings.portal')}</legend>
          <div className="grid cols-2">
            <TextField
              name="linkTtlDays"
              label={t('bo.portalSettings.linkTtl')}
              hint={t('bo.portalSettings.linkTtlHint')}
              inputMode="numeric"
              defaultValue={value('linkTtlDays', String(settings.linkTtlDays))}
              error={errors.linkTtlDays}
              suffix={t('bo.unit.days')}
            />
            <TextField
              name="minPartialPaymentCents"
              label={t('bo.portalSettings.minPartial')}
              hint={t('bo.portalSettings.minPartialHint')}
              inputMode="decimal"
              defaultValue={value('minPartialPaymentCents', centsInput(settings.minPartialPaymentCents, locale))}
              error={errors.minPartialPaymentCents}
              suffix="EUR"
            />
            <TextField
              name="transferNoticeDays"
              label={t('bo.portalSettings.transferNoticeDays')}
              hint={t('bo.portalSettings.transferNoticeDaysHint')}
              inputMode="numeric"
              defaultValue={value('transferNoticeDays', String(transferNoticeDaysOf(settings)))}
              error={errors.transferNoticeDays}
              suffix={t('bo.unit.businessDays')}
            />
          </div>
        </fieldset>
        <button type="submit" disabled={busy}>
          {t('bo.settings.save')}
        </button>
      </Form>
    </section>
  );
}
