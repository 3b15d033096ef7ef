/**
 * SQL injection and wildcard abuse in every search, filter and lookup parameter: the back-office
 * lists, the API's lookups and cursors, the portal's id parameters. No 500, no database error
 * text, never a row of another creditor; LIKE wildcards are matched literally.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOrg, portalCookie, postFields, staffCookie, startHeldApp, type HeldOrg } from './held-world';
import { MODES, showsStack, type Answer, type RunningApp } from './harness';

const HOSTILE = [
  "' or 1=1 --",
  "' OR '1'='1",
  "%' or '1'='1' --",
  '1; drop table invoices; --',
  "' union select id, name, email from debtors --",
  "') or true; --",
  '" or ""="',
  '%',
  '%%',
  '_',
  '__',
  '\\',
  '\\%',
  '%_%',
  '$1',
  '::text',
  'ü😀\u202eabc',
  '\u0000',
  "'".repeat(300),
  'x'.repeat(10_000),
];

/** What a database error tells an attacker, in any of the ways it could leak into a page. */
const DB_ERROR =
  /syntax error|SQLSTATE|PostgresError|relation "|column "|invalid input syntax|unterminated|drizzle|42601|22P02/i;

describe.each(MODES)('injection in %s mode', (mode) => {
  let app: RunningApp;
  let A: HeldOrg;
  let B: HeldOrg;
  let staff: string;
  let portal: string;

  beforeAll(async () => {
    app = await startHeldApp(mode);
    A = await heldOrg();
    B = await heldOrg();
    staff = await staffCookie(app, A.admin);
    portal = await portalCookie(app, A.debtors[0].debtor);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const bMarkers = () => B.debtors.flatMap((d) => [d.marker, d.debtor.name, d.debtor.email]);
  const aMarkers = () => A.debtors.map((d) => d.marker);

  function expectClean(what: string, answer: Answer) {
    expect(answer.status, what).toBeLessThan(500);
    expect(answer.body, what).not.toMatch(DB_ERROR);
    expect(showsStack(answer.body), what).toBe(false);
    for (const marker of bMarkers()) expect(answer.body, `${what}: ${marker}`).not.toContain(marker);
  }

  const backOffice = (value: string) => {
    const v = encodeURIComponent(value);
    return [
      `/app/debtors?q=${v}`,
      `/app/debtors?filter=${v}`,
      `/app/debtors?page=${v}`,
      `/app/invoices?q=${v}`,
      `/app/invoices?status=${v}&paused=${v}`,
      `/app/invoices?stage=${v}&page=${v}`,
      `/app/disputes?status=${v}`,
      `/app/disputes?age=${v}&assignee=${v}`,
      `/app/plans?status=${v}`,
    ];
  };

  it('the back-office lists find by search (the control)', async () => {
    for (const d of A.debtors) {
      const answer = await app.request(`/app/debtors?q=${encodeURIComponent(d.marker)}`, {
        headers: { cookie: staff },
      });
      expect(answer.body).toContain(d.marker);
      const invoicesPage = await app.request(`/app/invoices?q=${encodeURIComponent(d.marker)}`, {
        headers: { cookie: staff },
      });
      expect(invoicesPage.body).toContain(d.marker);
    }
  });

  it(
    'hostile search and filter values in the back-office lists: no error, no other creditor, no 500',
    { timeout: 120_000 },
    async () => {
      for (const value of HOSTILE) {
        for (const path of backOffice(value)) {
          const answer = await app.request(path, { headers: { cookie: staff } });
          expectClean(`${path.slice(0, 80)}`, answer);
        }
      }
    },
  );

  it("LIKE wildcards match literally: '%', '_' and '\\' find nothing here", async () => {
    for (const value of ['%', '_', '\\', '%%', '%_%']) {
      for (const list of ['debtors', 'invoices']) {
        const answer = await app.request(`/app/${list}?q=${encodeURIComponent(value)}`, { headers: { cookie: staff } });
        expect(answer.status).toBe(200);
        for (const marker of aMarkers()) expect(answer.body, `${list} q=${value}`).not.toContain(marker);
      }
    }
  });

  it(
    'hostile values in the API lookups and cursor: a 4xx in JSON, never another creditor',
    { timeout: 60_000 },
    async () => {
      const api = (path: string) => app.request(path, { headers: { authorization: `Bearer ${A.apiKey}` } });
      for (const value of HOSTILE) {
        const v = encodeURIComponent(value);
        for (const path of [
          `/api/v1/invoices/${v}`,
          `/api/v1/debtors/${v}`,
          `/api/v1/payments?since=${v}`,
          `/api/v1/payments?limit=${v}`,
        ]) {
          const answer = await api(path);
          expectClean(path.slice(0, 80), answer);
          expect(answer.status, path.slice(0, 80)).toBeGreaterThanOrEqual(400);
          expect(answer.headers['content-type'], path.slice(0, 80)).toMatch(/application\/json/);
        }
      }
      // The control: a real lookup answers.
      expect((await api(`/api/v1/invoices/${encodeURIComponent(A.debtors[0].invoices[0].number)}`)).status).toBe(200);
    },
  );

  it('NUL and other control characters in the text fields of forms: a 4xx or taken as text, never a 500', async () => {
    const org = await heldOrg();
    const cookie = await staffCookie(app, org.admin);
    const debtor = org.debtors[0];
    const own = await portalCookie(app, debtor.debtor);
    const nasty = 'a\u0000b\u0007c\u001bd\u2028e';
    const posts: [string, string, [string, string][]][] = [
      [
        `/app/debtors/${debtor.debtor.id}`,
        cookie,
        [
          ['intent', 'hold'],
          ['until', '2099-01-01'],
          ['note', nasty],
        ],
      ],
      [
        `/app/invoices/${debtor.invoices[3].id}`,
        cookie,
        [
          ['intent', 'hold'],
          ['until', nasty],
          ['note', nasty],
        ],
      ],
      [
        '/app/settings/api-keys',
        cookie,
        [
          ['intent', 'create'],
          ['name', nasty],
        ],
      ],
      [
        '/app/settings/team',
        cookie,
        [
          ['intent', 'invite'],
          ['email', `x${nasty}@example.nl`],
          ['role', 'finance'],
        ],
      ],
      [
        `/app/plans/${debtor.planId}`,
        cookie,
        [
          ['intent', 'reject'],
          ['reason', nasty],
        ],
      ],
      [
        `/app/disputes/${debtor.disputeId}`,
        cookie,
        [
          ['intent', 'reply'],
          ['message', nasty],
        ],
      ],
      [
        '/portal/promise',
        own,
        [
          ['invoice', debtor.invoices[3].id],
          ['date', nasty],
        ],
      ],
      [
        '/portal/pay',
        own,
        [
          ['scope', 'single'],
          ['invoice', debtor.invoices[3].id],
          ['amountMode', 'part'],
          ['amount', nasty],
          ['method', 'ideal'],
        ],
      ],
      [
        '/portal/plan',
        own,
        [
          ['intent', 'propose'],
          ['invoice', debtor.invoices[3].id],
          ['installmentCount', '2'],
          ['frequency', 'monthly'],
          ['firstDate', nasty],
          ['reason', nasty],
        ],
      ],
      [
        `/portal/disputes/${debtor.disputeId}`,
        own,
        [
          ['intent', 'reply'],
          ['message', nasty],
        ],
      ],
    ];
    for (const [path, session, fields] of posts) {
      const answer = await postFields(app, path, session, fields);
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.body, path).not.toMatch(DB_ERROR);
      expect(showsStack(answer.body), path).toBe(false);
    }
  });

  it(
    'hostile values in the portal id parameters and the API key itself: no error, no 500',
    { timeout: 120_000 },
    async () => {
      for (const value of HOSTILE) {
        const v = encodeURIComponent(value);
        for (const path of [
          `/portal/pay?invoice=${v}`,
          `/portal/pay/transfer?invoice=${v}&amount=${v}`,
          `/portal/pay/return?payment=${v}`,
          `/portal/invoices/${v}`,
          `/portal/disputes/${v}`,
          `/portal/plan/${v}`,
        ]) {
          expectClean(path.slice(0, 80), await app.request(path, { headers: { cookie: portal } }));
        }
        for (const path of [`/app/debtors/${v}`, `/app/invoices/${v}`, `/app/disputes/${v}`, `/app/plans/${v}`]) {
          expectClean(path.slice(0, 80), await app.request(path, { headers: { cookie: staff } }));
        }
        // Header values cannot carry NUL or raw non-Latin-1; the rest go in as the key.
        if (/^[\x20-\x7e]*$/.test(value)) {
          const answer = await app.request('/api/v1/payments', { headers: { authorization: `Bearer ${value}` } });
          expect(answer.status, value.slice(0, 40)).toBe(401);
          expectClean('api key', answer);
        }
      }
    },
  );
});
