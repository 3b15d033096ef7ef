import { inject } from 'vitest';
import { afterAll } from 'vitest';
import { closeDb } from '~/utils/db.server';
import { resetEnv } from '~/utils/env.server';
import { createTestDatabase, dropTestDatabase } from './db';

/** Each test file works in its own database, cloned from the migrated template. */
const name = await createTestDatabase(inject('testDbServerUrl'), inject('testDbTemplate'));
process.env.NODE_ENV = 'test';
process.env.APP_URL = 'http://voldaan.test';
resetEnv();

afterAll(async () => {
  await closeDb();
  await dropTestDatabase(inject('testDbServerUrl'), name);
});
