/**
 * The creditor's contact details on every portal page (the layout's loader), on the link-help page
 * and on the signed-out page when the creditor is known (`o`), and never for an unknown or closed
 * organisation; the links they become (mailto:, tel:, a web address, never another scheme); the
 * footer's sentence, which must read well after a legal name that ends in a full stop.
 */
import { describe, expect, it } from 'vitest';
import { createDebtor, createOrganization } from '~test/factories';
import { getRequest, routeArgs } from '~test/http';
import { openPortal } from '~test/portal-session';
import { loader as linkHelp } from '~/routes/link-help';
import { loader as portalLayout } from '~/routes/portal';
import { loader as signedOut } from '~/routes/portal_.signed-out';
import { telHref, websiteHref } from '~/ui/portal/creditor-contact';
import { LOCALES, translate } from '~/utils/i18n';

const CONTACT = { email: 'debiteuren@bakker.example', phone: '+31 (0)20 123 45 67', website: 'https://bakker.example' };

describe("the creditor's contact details", () => {
  it('reach every portal page through the layout: email, phone and website, nothing more', async () => {
    const org = await createOrganization({ name: 'Bakker', legalName: 'Bakker Installaties B.V.', ...CONTACT });
    const { cookie } = await openPortal(await createDebtor(org));
    const data = (await portalLayout(routeArgs(getRequest('/portal', { cookie })))) as Awaited<
      ReturnType<typeof portalLayout>
    >;
    expect(data.contact).toEqual({ name: 'Bakker', ...CONTACT });
    expect(data.organization.legalName).toBe('Bakker Installaties B.V.');
  });

  it('show on the link-help and signed-out pages for the creditor the address names, and only then', async () => {
    const org = await createOrganization({ name: 'Bakker', ...CONTACT });
    const closed = await createOrganization({ name: 'Gesloten', ...CONTACT, active: false });
    const unknown = '7d1c7a36-2f0e-4d55-9b1e-0d6c1f1a2b3c';

    const help = await linkHelp(routeArgs(getRequest(`/link-help?reason=expired&o=${org.id}`)));
    expect(help.contact).toEqual({ name: 'Bakker', ...CONTACT });
    expect(help.organizationHint).toBe(org.id);
    for (const o of [closed.id, unknown, 'not-a-uuid', '']) {
      expect((await linkHelp(routeArgs(getRequest(`/link-help?reason=invalid&o=${o}`)))).contact).toBeNull();
    }
    expect((await linkHelp(routeArgs(getRequest('/link-help?reason=invalid')))).contact).toBeNull();

    const out = await signedOut(routeArgs(getRequest(`/portal/signed-out?reason=revoked&o=${org.id}`)));
    expect(out).toEqual({ reason: 'revoked', organizationHint: org.id, contact: { name: 'Bakker', ...CONTACT } });
    for (const query of [`?o=${closed.id}`, `?o=${unknown}`, '?o=x', '']) {
      expect(await signedOut(routeArgs(getRequest(`/portal/signed-out${query}`)))).toEqual({
        reason: null,
        organizationHint: null,
        contact: null,
      });
    }
  });

  it('become links a phone can dial and a browser can open, and nothing else', () => {
    expect(telHref('+31 (0)20 123 45 67')).toBe('tel:+31201234567');
    expect(telHref('020-1234567')).toBe('tel:0201234567');
    expect(telHref('bel ons')).toBeNull();
    expect(websiteHref('https://bakker.example')).toBe('https://bakker.example/');
    expect(websiteHref('www.bakker.example/contact')).toBe('https://www.bakker.example/contact');
    expect(websiteHref('javascript:alert(1)')).toBeNull();
    expect(websiteHref('data:text/html,hi')).toBeNull();
    expect(websiteHref('mailto:x@example.nl')).toBeNull();
  });

  it('are introduced by a sentence that does not end on the name, so "B.V." never gets a second full stop', () => {
    for (const locale of LOCALES) {
      const sentence = translate(locale, 'portal.footer.questions', { organization: 'Veldkamp Installatietechniek B.V.' });
      expect(sentence).toContain('Veldkamp Installatietechniek B.V.');
      expect(sentence).not.toContain('B.V..');
    }
  });
});
