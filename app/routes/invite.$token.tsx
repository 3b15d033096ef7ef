import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { z } from 'zod';
import type { FormErrors } from '~/modules/backoffice/index';
import { acceptInvitation, findInvitation, login } from '~/modules/staff/index.server';
import { PASSWORD_MIN_LENGTH } from '~/modules/staff/index';
import { LanguageSwitch } from '~/ui/language-switch';
import { errorProps, FieldMessage } from '~/ui/backoffice/parts';
import { field, invalid, parseForm, reject, text, typedValues, whenValid } from '~/utils/forms';
import { useT } from '~/utils/i18n/react';
import { pageTitle } from '~/utils/i18n/meta';

export const meta: MetaFunction = ({ matches }) => [
  { title: pageTitle(matches, 'bo.invite.title') },
  { name: 'referrer', content: 'no-referrer' },
];

const headers = { 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };

export async function loader({ params }: LoaderFunctionArgs) {
  const invitation = await findInvitation(params.token ?? '');
  return data(invitation, { status: invitation.ok ? 200 : 410, headers });
}

const AcceptForm = z
  .object({
    name: text({ required: { key: 'bo.invite.error.name' }, max: 100, tooLong: { key: 'bo.invite.error.name' } }),
    password: field({ trim: false }).refine(
      (password) => password.length >= PASSWORD_MIN_LENGTH && password.length <= 200,
      invalid({ key: 'bo.invite.error.password', params: { min: PASSWORD_MIN_LENGTH } }),
    ),
    confirm: field({ trim: false }),
  })
  .superRefine((form, ctx) => {
    if (form.password !== form.confirm) reject(ctx, { key: 'bo.invite.error.confirm' }, ['confirm']);
  }, whenValid('password'));

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = parseForm(AcceptForm, form);
  if (!parsed.ok) {
    const name = typedValues(form, ['name'], Number.POSITIVE_INFINITY).name.trim();
    return data({ errors: parsed.errors as FormErrors, name, failure: null }, { status: 400, headers });
  }
  const { name, password } = parsed.data;
  const result = await acceptInvitation(params.token ?? '', { name, password });
  if (!result.ok) return data({ errors: {} as FormErrors, name, failure: result.reason }, { status: 410, headers });
  const session = await login(result.email, password, request);
  if (!session.ok) return redirect('/login');
  return redirect('/app', { headers: { 'Set-Cookie': session.setCookie } });
}

export default function AcceptInvitation() {
  const invitation = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === 'submitting';
  const errors = result?.errors ?? {};
  const failure = result?.failure ?? (invitation.ok ? null : invitation.reason);
  return (
    <main className="centered-page" id="main">
      <div className="card narrow">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <span>{t('app.name')}</span>
        </div>
        {failure ? (
          <>
            <h1>{t('bo.invite.unusableTitle')}</h1>
            <div className="alert error" role="alert">
              {t(
                failure === 'expired'
                  ? 'bo.invite.expired'
                  : failure === 'exists'
                    ? 'bo.invite.exists'
                    : 'bo.invite.invalid',
              )}
            </div>
            <p>
              <Link to="/login">{t('bo.invite.toLogin')}</Link>
            </p>
          </>
        ) : invitation.ok ? (
          <>
            <h1>{t('bo.invite.title')}</h1>
            <p className="muted">
              {t('bo.invite.intro', {
                organization: invitation.organizationName,
                role: t(`bo.team.role.${invitation.role}`),
              })}
            </p>
            <Form method="post" noValidate>
              <div className="field">
                <label htmlFor="email">{t('bo.team.email')}</label>
                <input id="email" type="email" value={invitation.email} readOnly autoComplete="username" />
              </div>
              <div className="field">
                <label htmlFor="name">{t('bo.invite.name')}</label>
                <input
                  id="name"
                  name="name"
                  type="text"
                  autoComplete="name"
                  defaultValue={result?.name ?? ''}
                  maxLength={100}
                  {...errorProps('name', errors.name)}
                />
                <FieldMessage id="name-error" error={errors.name} />
              </div>
              <div className="field">
                <label htmlFor="password">{t('bo.invite.password')}</label>
                <input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  maxLength={200}
                  {...errorProps('password', errors.password, 'password-hint')}
                />
                <span className="hint" id="password-hint">
                  {t('bo.invite.passwordHint', { min: PASSWORD_MIN_LENGTH })}
                </span>
                <FieldMessage id="password-error" error={errors.password} />
              </div>
              <div className="field">
                <label htmlFor="confirm">{t('bo.invite.confirm')}</label>
                <input
                  id="confirm"
                  name="confirm"
                  type="password"
                  autoComplete="new-password"
                  maxLength={200}
                  {...errorProps('confirm', errors.confirm)}
                />
                <FieldMessage id="confirm-error" error={errors.confirm} />
              </div>
              <button type="submit" className="block" disabled={busy}>
                {t('bo.invite.submit')}
              </button>
            </Form>
          </>
        ) : null}
        <div className="small spaced">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
