import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import type { DunningStage } from '~db/schema';
import {
  BLANK_ROWS,
  checkDunningForm,
  type Flow,
  FLOWS,
  MAX_STAGES,
  type PolicyErrors,
  STAGE_TEMPLATES,
  type StageInput,
  stagesFromForm,
} from '~/modules/dunning/index';
import { templateLabel } from '~/modules/debtors/index';
import { getOrganizationSettings, saveDunningPolicy } from '~/modules/backoffice/index.server';
import { requireStaff } from '~/modules/staff/index.server';
import { FieldMessage } from '~/ui/backoffice/parts';
import { notFound } from '~/utils/http.server';
import { useLocale, useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('bo.settings.nav.dunning');

export async function loader({ request }: LoaderFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const org = await getOrganizationSettings(staff.organizationId);
  if (!org) notFound();
  return { policy: org.dunningPolicy };
}

export async function action({ request }: ActionFunctionArgs) {
  const staff = await requireStaff(request, 'admin');
  const form = await request.formData();
  const rows = stagesFromForm(form);
  const result = checkDunningForm(rows);
  if (!result.ok) return data({ errors: result.errors, rows }, { status: 400 });
  await saveDunningPolicy(staff, result.policy);
  return redirect('/app/settings/dunning?saved=1');
}

const toInputs = (stages: DunningStage[]): StageInput[] =>
  stages.map((s, row) => ({
    row,
    key: s.key,
    offsetDays: String(s.offsetDays),
    template: s.template,
    addsCosts: s.addsCosts,
  }));

export default function DunningSettings() {
  const { policy } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  const errors: PolicyErrors = result?.errors ?? {};
  return (
    <section className="card" aria-labelledby="dunning-title">
      <h2 id="dunning-title">{t('bo.settings.nav.dunning')}</h2>
      <p className="muted">{t('bo.dunning.intro')}</p>
      {params.get('saved') && !result ? (
        <div className="alert success" role="status">
          {t('bo.dunning.saved')}
        </div>
      ) : null}
      {Object.keys(errors).length > 0 ? (
        <div className="alert error" role="alert">
          {t('bo.form.fixErrors')}
        </div>
      ) : null}
      <Form method="post" noValidate>
        {FLOWS.map((flow) => (
          <FlowEditor key={flow} flow={flow} rows={result?.rows?.[flow] ?? toInputs(policy[flow])} errors={errors} />
        ))}
        <ul className="small muted bo-rules">
          <li>{t('bo.dunning.rule.order')}</li>
          <li>{t('bo.dunning.rule.consumerCosts')}</li>
          <li>{t('bo.dunning.rule.term')}</li>
          <li>{t('bo.dunning.rule.handover')}</li>
        </ul>
        <button type="submit" disabled={busy}>
          {t('bo.settings.save')}
        </button>
      </Form>
    </section>
  );
}

function FlowEditor({ flow, rows, errors }: { flow: Flow; rows: StageInput[]; errors: PolicyErrors }) {
  const t = useT();
  const locale = useLocale();
  const used = rows.map((r) => r.row);
  const next = used.length ? Math.max(...used) + 1 : 0;
  const blanks = Math.max(0, Math.min(BLANK_ROWS, MAX_STAGES + BLANK_ROWS - rows.length));
  const all: (StageInput & { blank?: boolean })[] = [
    ...rows,
    ...Array.from({ length: blanks }, (_, i) => ({
      row: next + i,
      key: '',
      offsetDays: '',
      template: 'friendly_reminder',
      addsCosts: false,
      blank: true,
    })),
  ];
  const flowError = errors[flow];
  return (
    <fieldset className="bo-fieldset" aria-describedby={flowError ? `${flow}-error` : undefined}>
      <legend>{t(`bo.dunning.flow.${flow}`)}</legend>
      <p className="small muted">{t(`bo.dunning.flowHint.${flow}`)}</p>
      <FieldMessage id={`${flow}-error`} error={flowError} />
      <div className="table-wrap" tabIndex={0} role="group" aria-label={t(`bo.dunning.flow.${flow}`)}>
        <table className="bo-stage-table" data-testid={`stages-${flow}`}>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('bo.dunning.col.key')}</th>
              <th scope="col">{t('bo.dunning.col.days')}</th>
              <th scope="col">{t('bo.dunning.col.template')}</th>
              <th scope="col">{t('bo.dunning.col.costs')}</th>
              <th scope="col">{t('bo.dunning.col.remove')}</th>
            </tr>
          </thead>
          <tbody>
            {all.map((r, i) => {
              const id = (field: string) => `${flow}-${r.row}-${field}`;
              const name = (field: string) => `${flow}.${r.row}.${field}`;
              const err = (field: string) => errors[name(field)];
              const described = (field: string) => (err(field) ? `${id(field)}-error` : undefined);
              const n = i + 1;
              return (
                <tr key={r.row} className={r.blank ? 'bo-blank-row' : undefined}>
                  <td className="muted">{r.blank ? t('bo.dunning.newRow') : n}</td>
                  <td>
                    <label className="visually-hidden" htmlFor={id('key')}>
                      {t('bo.dunning.label.key', { n })}
                    </label>
                    <input
                      id={id('key')}
                      name={name('key')}
                      type="text"
                      defaultValue={r.key}
                      maxLength={40}
                      autoComplete="off"
                      aria-invalid={err('key') ? true : undefined}
                      aria-describedby={described('key')}
                    />
                    <FieldMessage id={`${id('key')}-error`} error={err('key')} />
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={id('offsetDays')}>
                      {t('bo.dunning.label.days', { n })}
                    </label>
                    <input
                      id={id('offsetDays')}
                      name={name('offsetDays')}
                      type="text"
                      inputMode="numeric"
                      className="bo-narrow"
                      defaultValue={r.offsetDays}
                      maxLength={4}
                      aria-invalid={err('offsetDays') ? true : undefined}
                      aria-describedby={described('offsetDays')}
                    />
                    <FieldMessage id={`${id('offsetDays')}-error`} error={err('offsetDays')} />
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={id('template')}>
                      {t('bo.dunning.label.template', { n })}
                    </label>
                    <select
                      id={id('template')}
                      name={name('template')}
                      defaultValue={r.template}
                      aria-invalid={err('template') ? true : undefined}
                      aria-describedby={described('template')}
                    >
                      {STAGE_TEMPLATES.map((tpl) => (
                        <option key={tpl} value={tpl}>
                          {templateLabel(tpl, locale)}
                        </option>
                      ))}
                    </select>
                    <FieldMessage id={`${id('template')}-error`} error={err('template')} />
                  </td>
                  <td>
                    <div className="bo-check">
                      <input
                        id={id('addsCosts')}
                        name={name('addsCosts')}
                        type="checkbox"
                        defaultChecked={r.addsCosts}
                        aria-invalid={err('addsCosts') ? true : undefined}
                        aria-describedby={described('addsCosts')}
                      />
                      <label htmlFor={id('addsCosts')} className="visually-hidden">
                        {t('bo.dunning.costsShort')} {t('bo.dunning.rowSuffix', { n })}
                      </label>
                    </div>
                    <FieldMessage id={`${id('addsCosts')}-error`} error={err('addsCosts')} />
                  </td>
                  <td>
                    {r.blank ? null : (
                      <div className="bo-check">
                        <input id={id('remove')} name={name('remove')} type="checkbox" />
                        <label htmlFor={id('remove')} className="visually-hidden">
                          {t('bo.dunning.removeShort')} {t('bo.dunning.rowSuffix', { n })}
                        </label>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}
