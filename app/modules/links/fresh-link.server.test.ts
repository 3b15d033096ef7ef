import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { communications, portalLinks } from '../../../db/schema';
import { createDebtor, createInvoice, createOrganization } from '../../../test/factories';
import { formRequest, routeArgs } from '../../../test/http';
import { action } from '../../routes/link-help';
import { getDb } from '../../utils/db.server';
import { FRESH_LINK_LIMIT_PER_ADDRESS, requestFreshLink } from './fresh-link.server';

describe('email me a new link', () => {
  it('sends a fresh link to a known address and answers an unknown one identically', async () => {
    const org = await createOrganization();
    const debtor = await createDebtor(org, { email: 'Known.Person@Example.nl' });
    await createInvoice(org, debtor);
    const known = await action(
      routeArgs(formRequest('/link-help', { email: 'known.person@example.nl', o: org.id }, { ip: '192.0.2.1' })),
    );
    const unknown = await action(
      routeArgs(formRequest('/link-help', { email: 'stranger@example.nl', o: org.id }, { ip: '192.0.2.2' })),
    );
    expect(known).toEqual({ status: 'sent' });
    expect(unknown).toEqual(known);

    const sent = await getDb().select().from(communications).where(eq(communications.debtorId, debtor.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ template: 'fresh_link', toAddress: debtor.email, status: 'queued' });
    const [link] = await getDb().select().from(portalLinks).where(eq(portalLinks.jti, sent[0].linkJti!));
    expect(link.purpose).toBe('fresh_link');
    expect(JSON.stringify(sent[0].props)).toContain('/l/');
  });

  it('only looks within the creditor of the expired link when it is known', async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const theirs = await createDebtor(other, { email: 'shared@example.nl' });
    await requestFreshLink({ email: 'shared@example.nl', organizationId: org.id, ip: '192.0.2.3' });
    expect(await getDb().select().from(communications).where(eq(communications.debtorId, theirs.id))).toHaveLength(0);
  });

  it('throttles per address and says so, whether or not the address is known', async () => {
    for (let i = 0; i < FRESH_LINK_LIMIT_PER_ADDRESS; i++) {
      expect(await requestFreshLink({ email: 'nobody@example.nl', ip: `198.51.100.${i}` })).toBe('accepted');
    }
    expect(await requestFreshLink({ email: 'NOBODY@example.nl', ip: '198.51.100.99' })).toBe('throttled');
    const response = (await action(
      routeArgs(formRequest('/link-help', { email: 'nobody@example.nl' }, { ip: '198.51.100.50' })),
    )) as {
      data: unknown;
      init: ResponseInit;
    };
    expect(response.data).toEqual({ status: 'throttled' });
    expect(response.init.status).toBe(429);
  });

  it('refuses a malformed address with a message, storing nothing', async () => {
    const response = (await action(routeArgs(formRequest('/link-help', { email: 'not an email' })))) as {
      data: unknown;
      init: ResponseInit;
    };
    expect(response.init.status).toBe(400);
    expect(response.data).toEqual({ status: 'invalid', email: 'not an email' });
  });
});
