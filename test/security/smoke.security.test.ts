/** The harness itself: both modes serve the sign-in page and the portal's signed-out page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
