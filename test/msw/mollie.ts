/**
 * A stand-in for Mollie's Payments API v2 for msw 2, answering with the Payment object and the
 * error object of Mollie's API reference (application/hal+json).
 */
import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';

export const MOLLIE_API = 'https://api.mollie.com/v2';

type Amount = { value: string; currency: string };
export type MolliePaymentRecord = {
  resource: 'payment';
  id: string;
  mode: 'test' | 'live';
  createdAt: string;
  amount: Amount;
  description: string;
  method: string | null;
  metadata: Record<string, string> | null;
  status: 'open' | 'pending' | 'authorized' | 'paid' | 'canceled' | 'expired' | 'failed';
  isCancelable?: boolean;
  expiresAt?: string;
  paidAt?: string;
  amountRefunded?: Amount;
  amountRemaining?: Amount;
  amountChargedBack?: Amount;
  locale?: string;
  profileId: string;
  sequenceType: 'oneoff';
  redirectUrl: string;
  cancelUrl?: string;
  webhookUrl?: string;
  details?: Record<string, unknown> | null;
  _links: Record<string, { href: string; type: string }>;
};

export type MollieCreateCall = {
  body: Record<string, unknown>;
  idempotencyKey: string | null;
  authorization: string | null;
};

const hal = { 'Content-Type': 'application/hal+json' };

function mollieError(status: number, title: string, detail: string) {
  return HttpResponse.json(
    {
      status,
      title,
      detail,
      _links: { documentation: { href: 'https://docs.mollie.com/overview/handling-errors', type: 'text/html' } },
    },
    { status, headers: hal },
  );
}

export function mollieMock() {
  const payments = new Map<string, MolliePaymentRecord>();
  const byIdempotencyKey = new Map<string, string>();
  const calls: MollieCreateCall[] = [];
  const control = { fail: null as null | 'network' | 'hang' | 'error4xx', gets: 0 };

  const handlers = [
    http.post(`${MOLLIE_API}/payments`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      const idempotencyKey = request.headers.get('idempotency-key');
      calls.push({ body, idempotencyKey, authorization: request.headers.get('authorization') });
      if (control.fail === 'network') return HttpResponse.error();
      if (control.fail === 'hang') await new Promise(() => {});
      if (control.fail === 'error4xx')
        return mollieError(
          422,
          'Unprocessable Entity',
          "The webhook URL is invalid because it is unreachable from Mollie's point of view.",
        );
      if (idempotencyKey && byIdempotencyKey.has(idempotencyKey)) {
        return HttpResponse.json(payments.get(byIdempotencyKey.get(idempotencyKey)!), { status: 201, headers: hal });
      }
      const token = randomBytes(5).toString('hex');
      const paymentId = `tr_${token}`;
      const created = new Date();
      const payment: MolliePaymentRecord = {
        resource: 'payment',
        id: paymentId,
        mode: 'test',
        createdAt: created.toISOString(),
        amount: body.amount as Amount,
        description: String(body.description),
        method: null,
        metadata: (body.metadata as Record<string, string>) ?? null,
        status: 'open',
        isCancelable: false,
        expiresAt: new Date(created.getTime() + 15 * 60_000).toISOString(),
        locale: body.locale as string | undefined,
        profileId: 'pfl_QkEhN94Ba',
        sequenceType: 'oneoff',
        redirectUrl: String(body.redirectUrl),
        cancelUrl: body.cancelUrl as string | undefined,
        webhookUrl: body.webhookUrl as string | undefined,
        details: null,
        _links: {
          self: { href: `${MOLLIE_API}/payments/${paymentId}`, type: 'application/hal+json' },
          checkout: { href: `https://www.mollie.com/checkout/select-method/${token}`, type: 'text/html' },
          dashboard: { href: `https://www.mollie.com/dashboard/org_12345678/payments/${paymentId}`, type: 'text/html' },
          documentation: { href: 'https://docs.mollie.com/reference/create-payment', type: 'text/html' },
        },
      };
      payments.set(paymentId, payment);
      if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, paymentId);
      return HttpResponse.json(payment, { status: 201, headers: hal });
    }),
    http.get(`${MOLLIE_API}/payments/:id`, ({ params }) => {
      control.gets += 1;
      const payment = payments.get(String(params.id));
      if (!payment) return mollieError(404, 'Not Found', `No payment exists with token ${String(params.id)}.`);
      return HttpResponse.json(payment, { headers: hal });
    }),
  ];

  /** What the debtor (or the bank) did: the payment's new status, as Mollie then reports it. */
  function setStatus(
    paymentId: string,
    status: MolliePaymentRecord['status'],
    extra: Partial<MolliePaymentRecord> = {},
  ) {
    const payment = payments.get(paymentId);
    if (!payment) throw new Error(`no payment ${paymentId}`);
    const at = new Date().toISOString();
    Object.assign(payment, { status, ...extra });
    if (status === 'paid') {
      Object.assign(payment, {
        paidAt: at,
        method: payment.method ?? 'ideal',
        amountRefunded: payment.amountRefunded ?? { value: '0.00', currency: 'EUR' },
        amountRemaining: payment.amountRemaining ?? payment.amount,
        details: { consumerName: 'T. TEST', consumerAccount: 'NL91ABNA0417164300', consumerBic: 'ABNANL2A' },
      });
      delete payment.expiresAt;
    }
    if (status !== 'open') delete payment._links.checkout;
    return payment;
  }

  return { handlers, payments, calls, control, setStatus };
}

/** Mollie's classic webhook delivery: a form post with only the payment id. */
export function mollieWebhookRequest(paymentId: string, url = 'http://voldaan.test/webhooks/mollie') {
  return new Request(url, {
    method: 'POST',
    body: new URLSearchParams({ id: paymentId }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}
