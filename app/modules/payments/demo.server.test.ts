import { eq } from 'drizzle-orm';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments } from '~db/schema';
import { debtorWithOverdue } from '~test/factories-payments';
import { formRequest, routeArgs, settle } from '~test/http';
import { openPortal } from '~test/portal-session';
import { action as demoCheckoutAction } from '~/routes/demo-checkout.$id';
import { action as payAction } from '~/routes/portal.pay._index';
import { action as demoWebhook } from '~/routes/webhooks.demo';
import { getDb } from '~/utils/db.server';
import { createDemoAdapter } from './demo.server';

// The demo's hosted page delivers its webhook over HTTP to our own endpoint.
const server = setupServer(
  http.post('http://voldaan.test/webhooks/demo', async ({ request }) => demoWebhook(routeArgs(request))),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

async function payWithDemo(method: 'ideal' | 'creditcard') {
  const setup = await debtorWithOverdue([3_300]);
  const { cookie } = await openPortal(setup.debtor);
  const started = (await settle(() =>
    payAction(routeArgs(formRequest('/portal/pay', { scope: 'overdue', method }, { cookie }))),
  )) as Response;
  const id = started.headers.get('Location')!.split('/').pop()!;
  return { setup, id };
}

describe('the demo provider reports the method the debtor chose, as Mollie does', () => {
  for (const method of ['ideal', 'creditcard'] as const) {
    it(`${method}: the paid payment is stored with method ${method}, not "demo"`, async () => {
      const { setup, id } = await payWithDemo(method);
      expect((await createDemoAdapter().fetchStatus(id))?.method).toBe(method);
      await settle(() =>
        demoCheckoutAction(routeArgs(formRequest(`/demo-checkout/${id}`, { outcome: 'paid' }), { id })),
      );
      const [payment] = await getDb().select().from(payments).where(eq(payments.debtorId, setup.debtor.id));
      expect(payment).toMatchObject({ status: 'paid', provider: 'demo', method });
    });
  }
});
