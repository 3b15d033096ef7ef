/**
 * `npm run link -- <debtor email or id>`: prints a fresh portal URL for a debtor.
 * Uses DATABASE_URL, or the embedded database under DATA_DIR when it is unset.
 */
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../server/embedded-db';
import { closeDb, getDb } from '../../utils/db.server';
import { getEnv, resetEnv } from '../../utils/env.server';
import { findDebtorsByIdOrEmail } from './debtor-lookup.server';
import { issuePortalLink } from './links.server';

async function main() {
  const query = process.argv.slice(2).find((a) => a !== '--');
  if (!query) {
    console.error('usage: npm run link -- <debtor email or id>');
    process.exit(2);
  }
  let embedded: EmbeddedDb | undefined;
  if (!getEnv().DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(getEnv().DATA_DIR, 'postgres'), database: 'voldaan' });
    process.env.DATABASE_URL = embedded.url;
    resetEnv();
  }
  try {
    const found = await findDebtorsByIdOrEmail(getDb(), query);
    if (found.length === 0) {
      console.error(`no active debtor found for ${query}`);
      process.exitCode = 1;
    }
    for (const debtor of found) {
      const link = await getDb().transaction((tx) =>
        issuePortalLink(tx, { organizationId: debtor.organizationId, debtorId: debtor.id, purpose: 'staff' }),
      );
      console.log(`${debtor.name} <${debtor.email}>\n${link.url}\n(valid until ${link.expiresAt.toISOString()})`);
    }
  } finally {
    await closeDb();
    await embedded?.stop();
  }
}

void main();
