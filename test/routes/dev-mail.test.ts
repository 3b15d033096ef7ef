import { afterEach, describe, expect, it } from 'vitest';
import { sendCommunication } from '~/modules/mail/outbox.server';
import { queuedReminder } from '~test/factories-mail';
import { createOrganization, createStaff } from '~test/factories';
import { inviteStaff } from '~/modules/staff/team.server';
import { fixedClock } from '~/utils/clock';
import { getRequest, routeArgs, settle } from '~test/http';
import { resetEnv } from '~/utils/env.server';
import { loader as detailLoader } from '~/routes/dev.mail.$id';
import { loader as htmlLoader } from '~/routes/dev.mail.$id_.html';
import { loader as listLoader } from '~/routes/dev.mail._index';
import { loader as previewLoader } from '~/routes/dev.mail.preview.$template';

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
  APP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  PORTAL_SIGNING_KEYS: '{"keys":[]}',
};
const saved = { ...process.env };

afterEach(() => {
  for (const key of Object.keys(PRODUCTION_ENV)) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  resetEnv();
});

describe('/dev/mail', () => {
  it('lists the newest messages with address, subject, template and status', async () => {
    const { comm, debtor } = await queuedReminder();
    await sendCommunication(comm!.id);
    const { comm: queued } = await queuedReminder({ template: 'second_reminder' });

    const { messages } = await listLoader(routeArgs(getRequest('/dev/mail')));
    const sent = messages.find((m) => m.id === comm!.id);
    expect(sent).toMatchObject({ toAddress: debtor.email, template: 'friendly_reminder', status: 'sent' });
    expect(sent!.subject).toMatch(/^Vriendelijke herinnering/);
    expect(messages.find((m) => m.id === queued!.id)).toMatchObject({ status: 'queued', subject: null });
    // Newest first.
    expect(messages.findIndex((m) => m.id === queued!.id)).toBeLessThan(messages.findIndex((m) => m.id === comm!.id));
  });

  it('lists and shows an invitation to the staff, which has no debtor', async () => {
    const clock = fixedClock('2026-11-23T10:00:00Z');
    const org = await createOrganization();
    const admin = await createStaff(org, 'admin');
    const invited = await inviteStaff(admin, { email: 'collega@example.nl', role: 'finance' }, { clock });
    if (!invited.ok) throw new Error('invitation refused');
    const { messages } = await listLoader(routeArgs(getRequest('/dev/mail')));
    const listed = messages.find((m) => m.toAddress === 'collega@example.nl');
    expect(listed).toMatchObject({ template: 'staff_invitation', status: 'queued', organization: org.name });
    await sendCommunication(listed!.id, { clock });
    const result = await detailLoader(routeArgs(getRequest(`/dev/mail/${listed!.id}`), { id: listed!.id }));
    expect(result.message.subject).toBe(`Uitnodiging om mee te werken in Voldaan voor ${org.name}`);
    expect(result.links).toContain(invited.url);
  });

  it('shows one message with the links it carries and its plain text', async () => {
    const { comm, portalUrl } = await queuedReminder();
    await sendCommunication(comm!.id);
    const result = await detailLoader(routeArgs(getRequest(`/dev/mail/${comm!.id}`), { id: comm!.id }));
    expect(result.message.subject).toMatch(/^Vriendelijke herinnering/);
    expect(result.links).toContain(portalUrl);
    expect(result.message.text).toContain(portalUrl);
  });

  it('serves the email HTML as its own document with a script-free policy', async () => {
    const { comm, portalUrl } = await queuedReminder();
    await sendCommunication(comm!.id);
    const response = await htmlLoader(routeArgs(getRequest(`/dev/mail/${comm!.id}/html`), { id: comm!.id }));
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('Content-Security-Policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    const html = await response.text();
    expect(html).toContain(`href="${portalUrl}"`);
  });

  it('renders a message that is still queued from its props', async () => {
    const { comm, portalUrl } = await queuedReminder();
    const response = await htmlLoader(routeArgs(getRequest(`/dev/mail/${comm!.id}/html`), { id: comm!.id }));
    expect(await response.text()).toContain(`href="${portalUrl}"`);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const detail = await settle(() => detailLoader(routeArgs(getRequest(`/dev/mail/${id}`), { id })));
      expect((detail as Response).status).toBe(404);
      const html = await settle(() => htmlLoader(routeArgs(getRequest(`/dev/mail/${id}/html`), { id })));
      expect((html as Response).status).toBe(404);
    }
  });

  it('does not exist in production', async () => {
    const { comm } = await queuedReminder();
    await sendCommunication(comm!.id);
    Object.assign(process.env, PRODUCTION_ENV);
    resetEnv();
    const list = await settle(() => listLoader(routeArgs(getRequest('/dev/mail'))));
    expect((list as Response).status).toBe(404);
    const args = routeArgs(getRequest(`/dev/mail/${comm!.id}`), { id: comm!.id });
    expect(((await settle(() => detailLoader(args))) as Response).status).toBe(404);
    expect(((await settle(() => htmlLoader(args))) as Response).status).toBe(404);
  });
});

describe('/dev/mail/preview/:template', () => {
  it('renders every template with its sample data, in both languages and as text', async () => {
    const { templates } = await listLoader(routeArgs(getRequest('/dev/mail')));
    expect(templates).toHaveLength(22);
    expect(templates).toEqual(expect.arrayContaining(['staff_invitation', 'promise_kept', 'plan_completed']));
    const linkOf = (template: string) =>
      template === 'staff_notification'
        ? '/app/plans'
        : template === 'staff_invitation'
          ? '/invite/preview-token'
          : '/l/preview-token';
    for (const template of templates) {
      for (const query of ['', '?locale=en', '?format=text']) {
        const response = await previewLoader(
          routeArgs(getRequest(`/dev/mail/preview/${template}${query}`), { template }),
        );
        expect(response.status).toBe(200);
        expect(await response.text()).toContain(linkOf(template));
      }
    }
    const business = await previewLoader(
      routeArgs(getRequest('/dev/mail/preview/final_notice?kind=business'), { template: 'final_notice' }),
    );
    expect(await business.text()).toContain('handelsrente');
  });

  it('answers 404 for an unknown template and in production', async () => {
    const unknown = await settle(() =>
      previewLoader(routeArgs(getRequest('/dev/mail/preview/nope'), { template: 'nope' })),
    );
    expect((unknown as Response).status).toBe(404);
    Object.assign(process.env, PRODUCTION_ENV);
    resetEnv();
    const production = await settle(() =>
      previewLoader(routeArgs(getRequest('/dev/mail/preview/final_notice'), { template: 'final_notice' })),
    );
    expect((production as Response).status).toBe(404);
  });
});
