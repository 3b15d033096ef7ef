/**
 * `npm run link -- <debtor email or id>`: prints a fresh portal URL for a debtor.
 * Uses DATABASE_URL; otherwise the embedded database of the Voldaan running on DATA_DIR, or
 * it starts that database itself (and stops it after). Links use APP_URL, or when that is
 * not set, the URL of the app running on DATA_DIR.
 */
import { openDatabase, runCommand } from './instance';
import { closeDb, getDb } from '~/utils/db.server';
import { findDebtorsByIdOrEmail } from '~/modules/debtors/index.server';
import { issuePortalLink } from '~/modules/links/index.server';

async function main() {
  const query = process.argv.slice(2).find((a) => a !== '--');
  if (!query) {
    console.error('usage: npm run link -- <debtor email or id>');
    process.exit(2);
  }
  const database = await openDatabase('link', { startEmbedded: true });
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
    await database.close();
  }
}

runCommand('npm run link failed', main);
