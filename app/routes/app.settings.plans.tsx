import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { parsePlanPolicy, type FormErrors } from '~/modules/backoffice/index';
import { getOrganizationSettings, savePlanPolicy } from '~/modules/backoffice/index.server';
import { effectivePolicy } from '~/modules/plans/index';
import { requireStaff } from '~/modules/staff/index.server';
import { formValues, typedValues } from '~/utils/forms';
import { centsInput, TextField } from '~/ui/backoffice/parts';
import { notFound } from '~/utils/http.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.settings.nav.plans');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const org = await getOrganizationSettings(staff.organizationId);
  if (!org) notFound();
  return { policy: effectivePolicy(org.planPolicy) };
}

const FIELDS = [
  'maxInstallments',
  'maxDurationDays',
  'minInstallmentCents',
  'maxTotalCents',
  'minDownPaymentPercent',
  'firstPaymentMaxDays',
  'graceDays',
  'promiseMaxDays',
  'consumersMayPropose',
  'businessesMayPropose',
] as const;

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const parsed = parsePlanPolicy(form);
  if (!parsed.ok) {
    const posted = formValues(form);
    return data(
      {
        errors: parsed.errors,
        values: typedValues(posted, FIELDS, 40) as Record<string, string>,
        checks: FIELDS.filter((f) => f in posted) as string[],
      },
      { status: 400 },
    );
  }
  await savePlanPolicy(staff, parsed.value);
  return redirect('/app/settings/plans?saved=1');
}

export default function PlanSettings() {
  const { policy } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const errors: FormErrors = result?.errors ?? {};
  const value = (name: (typeof FIELDS)[number], fallback: string) => (result ? (result.values[name] ?? '') : fallback);
  const checked = (name: 'consumersMayPropose' | 'businessesMayPropose') =>
    result ? result.checks.includes(name) : policy[name];
  return (
    <section className="card" aria-labelledby="plans-title">
      <h2 id="plans-title">{t('bo.settings.nav.plans')}</h2>
      <p className="muted">{t('bo.plans.intro')}</p>
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
          <legend>{t('bo.plans.who')}</legend>
          <div className="bo-check">
            <input
              id="consumersMayPropose"
              name="consumersMayPropose"
              type="checkbox"
              defaultChecked={checked('consumersMayPropose')}
            />
            <label htmlFor="consumersMayPropose">{t('bo.plans.consumersMayPropose')}</label>
          </div>
          <div className="bo-check">
            <input
              id="businessesMayPropose"
              name="businessesMayPropose"
              type="checkbox"
              defaultChecked={checked('businessesMayPropose')}
            />
            <label htmlFor="businessesMayPropose">{t('bo.plans.businessesMayPropose')}</label>
          </div>
        </fieldset>
        <fieldset className="bo-fieldset">
          <legend>{t('bo.plans.autoApproval')}</legend>
          <p className="small muted">{t('bo.plans.autoApprovalHint')}</p>
          <div className="grid cols-2">
            <TextField
              name="maxInstallments"
              label={t('bo.plans.maxInstallments')}
              inputMode="numeric"
              defaultValue={value('maxInstallments', String(policy.maxInstallments))}
              error={errors.maxInstallments}
              suffix={t('bo.plans.installments')}
            />
            <TextField
              name="maxDurationDays"
              label={t('bo.plans.maxDurationDays')}
              inputMode="numeric"
              defaultValue={value('maxDurationDays', String(policy.maxDurationDays))}
              error={errors.maxDurationDays}
              suffix={t('bo.unit.days')}
            />
            <TextField
              name="minInstallmentCents"
              label={t('bo.plans.minInstallment')}
              inputMode="decimal"
              defaultValue={value('minInstallmentCents', centsInput(policy.minInstallmentCents, locale))}
              error={errors.minInstallmentCents}
              suffix="EUR"
            />
            <TextField
              name="maxTotalCents"
              label={t('bo.plans.maxTotal')}
              inputMode="decimal"
              defaultValue={value('maxTotalCents', centsInput(policy.maxTotalCents, locale))}
              error={errors.maxTotalCents}
              suffix="EUR"
            />
            <TextField
              name="minDownPaymentPercent"
              label={t('bo.plans.minDownPayment')}
              inputMode="numeric"
              defaultValue={value('minDownPaymentPercent', String(policy.minDownPaymentPercent))}
              error={errors.minDownPaymentPercent}
              suffix="%"
            />
            <TextField
              name="firstPaymentMaxDays"
              label={t('bo.plans.firstPaymentMaxDays')}
              hint={t('bo.plans.firstPaymentMaxDaysHint')}
              inputMode="numeric"
              defaultValue={value('firstPaymentMaxDays', String(policy.firstPaymentMaxDays))}
              error={errors.firstPaymentMaxDays}
              suffix={t('bo.unit.days')}
            />
          </div>
        </fieldset>
        <fieldset className="bo-fieldset">
          <legend>{t('bo.plans.termsLegend')}</legend>
          <div className="grid cols-2">
            <TextField
              name="graceDays"
              label={t('bo.plans.graceDays')}
              hint={t('bo.plans.graceDaysHint')}
              inputMode="numeric"
              defaultValue={value('graceDays', String(policy.graceDays))}
              error={errors.graceDays}
              suffix={t('bo.unit.days')}
            />
            <TextField
              name="promiseMaxDays"
              label={t('bo.plans.promiseMaxDays')}
              hint={t('bo.plans.promiseMaxDaysHint')}
              inputMode="numeric"
              defaultValue={value('promiseMaxDays', String(policy.promiseMaxDays))}
              error={errors.promiseMaxDays}
              suffix={t('bo.unit.days')}
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
