import { describe, expect, it } from 'vitest';
import { createOrganization, createStaff, TEST_PASSWORD } from '~test/factories';
import { cookieFrom, formRequest, getRequest, routeArgs, settle } from '~test/http';
import { action as loginAction } from '~/routes/login';
import { loader as appLoader } from '~/routes/app';
import { loader as settingsLoader } from '~/routes/app.settings._index';
import { LOGIN_LIMIT_PER_EMAIL } from '~/modules/staff/auth.server';

async function signIn(email: string, password = TEST_PASSWORD) {
  const response = (await settle(() =>
    loginAction(routeArgs(formRequest('/login', { email, password, redirectTo: '/app' }))),
  )) as Response;
  return response;
}

describe('staff guards', () => {
  it('redirects a signed-out request to the login page, keeping where it wanted to go', async () => {
    const response = (await settle(() => appLoader(routeArgs(getRequest('/app/settings'))))) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Fapp%2Fsettings');
  });

  it('answers 403 when a support user opens an admin-only page, and lets an admin in', async () => {
    const org = await createOrganization();
    const support = await createStaff(org, 'support');
    const admin = await createStaff(org, 'admin');

    const supportCookie = cookieFrom(await signIn(support.email));
    const denied = (await settle(() =>
      settingsLoader(routeArgs(getRequest('/app/settings', { cookie: supportCookie }))),
    )) as Response;
    expect(denied).toBeInstanceOf(Response);
    expect(denied.status).toBe(403);

    const adminCookie = cookieFrom(await signIn(admin.email));
    const allowed = (await settingsLoader(routeArgs(getRequest('/app/settings', { cookie: adminCookie })))) as {
      org: { legalName: string };
    };
    expect(allowed.org.legalName).toBe(org.legalName);
  });

  it('signs in with the right password and shows who is signed in', async () => {
    const org = await createOrganization();
    const finance = await createStaff(org, 'finance', { name: 'Fleur Finance' });
    const response = await signIn(finance.email.toUpperCase());
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/app');
    const setCookie = response.headers.get('Set-Cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const shell = (await appLoader(routeArgs(getRequest('/app', { cookie: cookieFrom(response) })))) as {
      staff: { name: string; role: string };
    };
    expect(shell.staff).toMatchObject({ name: 'Fleur Finance', role: 'finance' });
  });

  it('gives a wrong password and an unknown email the identical answer', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const wrong = (await loginAction(routeArgs(formRequest('/login', { email: admin.email, password: 'nope' })))) as {
      data: unknown;
      init: ResponseInit;
    };
    const unknown = (await loginAction(
      routeArgs(formRequest('/login', { email: 'nobody@test.example', password: 'nope' })),
    )) as { data: unknown; init: ResponseInit };
    expect(wrong.data).toEqual({ error: 'login.invalid' });
    expect(unknown.data).toEqual(wrong.data);
    expect(unknown.init.status).toBe(wrong.init.status);
    expect(wrong.init.status).toBe(401);
  });

  it('throttles repeated failures for one address, even when the password is then right', async () => {
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    for (let i = 0; i < LOGIN_LIMIT_PER_EMAIL; i++) {
      await loginAction(
        routeArgs(formRequest('/login', { email: admin.email, password: `bad-${i}` }, { ip: `10.0.0.${i}` })),
      );
    }
    const blocked = (await loginAction(
      routeArgs(formRequest('/login', { email: admin.email, password: TEST_PASSWORD }, { ip: '10.0.1.1' })),
    )) as { data: unknown; init: ResponseInit };
    expect(blocked.data).toEqual({ error: 'login.throttled' });
    expect(blocked.init.status).toBe(429);
  });

  it('refuses a deactivated user with the same answer as a wrong password', async () => {
    const org = await createOrganization();
    const gone = await createStaff(org, 'finance', { active: false });
    const result = (await loginAction(
      routeArgs(formRequest('/login', { email: gone.email, password: TEST_PASSWORD })),
    )) as {
      data: unknown;
    };
    expect(result.data).toEqual({ error: 'login.invalid' });
  });
});
