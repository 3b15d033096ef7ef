/**
 * The harness itself: both modes serve pages, and each start runs with the settings of its own
 * mode (the build is loaded afresh per start, so production does not keep development's cookies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createStaff, TEST_PASSWORD } from '~test/factories';
import { MODES, startApp, type RunningApp } from './harness';

describe.each(MODES)('in %s mode', (mode) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(mode);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('serves pages on the address APP_URL names', async () => {
    expect((await app.request('/login')).status).toBe(200);
    const signedOut = await app.request('/portal/signed-out');
    expect(signedOut.status).toBe(200);
    expect(signedOut.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it("signs staff in with the cookie of the mode's settings", async () => {
    const org = await createOrganization();
    const staff = await createStaff(org, 'admin');
    const answer = await app.postForm('/login', { email: staff.email, password: TEST_PASSWORD });
    expect(answer.status).toBe(302);
    const cookie = String(answer.headers['set-cookie']);
    if (mode === 'production') expect(cookie).toMatch(/^__Host-vd_staff=.*; Secure/);
    else expect(cookie).toMatch(/^vd_staff=/);
  });
});
