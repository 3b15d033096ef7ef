import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { z } from 'zod';
import { getStaff, login } from '~/modules/staff/index.server';
import { LanguageSwitch } from '~/ui/language-switch';
import { parseForm } from '~/utils/forms';
import { safeRedirect } from '~/utils/http.server';
import { useT } from '~/utils/i18n/react';
import { titleMeta } from '~/utils/i18n/meta';

export const meta = titleMeta('login.title');

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getStaff(request)) return redirect('/app');
  return null;
}

const LoginForm = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
  redirectTo: z.string().optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const parsed = parseForm(LoginForm, await request.formData());
  if (!parsed.ok) return data({ error: 'login.required' as const }, { status: 400 });
  const result = await login(parsed.data.email, parsed.data.password, request);
  if (!result.ok) {
    return data(
      { error: result.reason === 'throttled' ? ('login.throttled' as const) : ('login.invalid' as const) },
      { status: result.reason === 'throttled' ? 429 : 401 },
    );
  }
  return redirect(safeRedirect(parsed.data.redirectTo, '/app'), { headers: { 'Set-Cookie': result.setCookie } });
}

export default function Login() {
  const t = useT();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === 'submitting';
  return (
    <main className="centered-page" id="main">
      <div className="card narrow">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            V
          </span>
          <span>{t('app.name')}</span>
        </div>
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        {actionData?.error ? (
          <div className="alert error" role="alert" id="login-error">
            {t(actionData.error)}
          </div>
        ) : null}
        <Form method="post" noValidate>
          <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? '/app'} />
          <div className="field">
            <label htmlFor="email">{t('login.email')}</label>
            <input
              id="email"
              name="email"
              type="email"
              autoComplete="username"
              required
              aria-describedby={actionData?.error ? 'login-error' : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t('login.password')}</label>
            <input id="password" name="password" type="password" autoComplete="current-password" required />
          </div>
          <button type="submit" className="block" disabled={busy}>
            {t('login.submit')}
          </button>
        </Form>
        <div className="small spaced">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
