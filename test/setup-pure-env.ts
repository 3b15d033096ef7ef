import { resetEnv } from '~/utils/env.server';

/**
 * The setup of the test files that need no database (test/pure-tests.ts): no database is
 * cloned, and DATABASE_URL is unset, so a query fails at once ("DATABASE_URL is not set")
 * instead of reaching a database the run happens to know.
 */
delete process.env.DATABASE_URL;
process.env.NODE_ENV = 'test';
process.env.APP_URL = 'http://voldaan.test';
resetEnv();
