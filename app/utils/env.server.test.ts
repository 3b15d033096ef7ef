import { describe, expect, it } from 'vitest';
import { DEV_SESSION_SECRET, EnvError, parseEnv } from './env.server';

describe('environment', () => {
  it('fills development defaults and derives APP_URL from PORT', () => {
    const env = parseEnv({ PORT: '4000' });
    expect(env.APP_URL).toBe('http://localhost:4000');
    expect(env.SESSION_SECRET).toBe(DEV_SESSION_SECRET);
    expect(env.RUN_WORKER).toBe(true);
  });

  it('names a malformed variable and what it expects, one line each', () => {
    expect(() => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })).toThrowError(EnvError);
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      expect(lines).toHaveLength(2);
      expect(lines.find((l) => l.startsWith('PORT is invalid: expected'))).toBeDefined();
      expect(
        lines.find((l) => l.startsWith('DATABASE_URL is invalid: expected a postgres:// connection URL')),
      ).toBeDefined();
    }
  });

  it('has database and worker limits with defaults, and refuses a lease shorter than three heartbeats', () => {
    expect(parseEnv({})).toMatchObject({
      DB_POOL_MAX: 10,
      DB_CONNECT_TIMEOUT_MS: 2_000,
      DB_STATEMENT_TIMEOUT_MS: 15_000,
      WORKER_HEARTBEAT_MS: 15_000,
      WORKER_LEASE_MS: 120_000,
    });
    expect(parseEnv({ WORKER_HEARTBEAT_MS: '1000', WORKER_LEASE_MS: '3000' }).WORKER_LEASE_MS).toBe(3_000);
    expect(() => parseEnv({ WORKER_HEARTBEAT_MS: '1000', WORKER_LEASE_MS: '2000' })).toThrow(
      /^WORKER_LEASE_MS is invalid: expected at least three times WORKER_HEARTBEAT_MS \(3000\)$/,
    );
    expect(() => parseEnv({ DB_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/^DB_STATEMENT_TIMEOUT_MS is invalid/);
    expect(() => parseEnv({ DB_POOL_MAX: '0' })).toThrow(/^DB_POOL_MAX is invalid/);
  });

  it('limits API requests per key and minute, 600 unless set, between 1 and 100000', () => {
    expect(parseEnv({}).API_RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(parseEnv({ API_RATE_LIMIT_PER_MINUTE: '5' }).API_RATE_LIMIT_PER_MINUTE).toBe(5);
    for (const bad of ['0', '100001', '2.5', 'many'])
      expect(() => parseEnv({ API_RATE_LIMIT_PER_MINUTE: bad })).toThrow(/^API_RATE_LIMIT_PER_MINUTE is invalid/);
  });

  it('believes no proxy unless told how many hops are in front, 0 to 10, in every mode', () => {
    expect(parseEnv({}).TRUSTED_PROXIES).toBe(0);
    expect(parseEnv({ NODE_ENV: 'test' }).TRUSTED_PROXIES).toBe(0);
    expect(parseEnv({ TRUSTED_PROXIES: '2' }).TRUSTED_PROXIES).toBe(2);
    for (const bad of ['-1', '11', '1.5', 'true', 'loopback'])
      expect(() => parseEnv({ TRUSTED_PROXIES: bad })).toThrow(/^TRUSTED_PROXIES is invalid/);
  });

  it('refuses to run production on development secrets', () => {
    expect(() =>
      parseEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', APP_URL: 'https://pay.example' }),
    ).toThrow(/SESSION_SECRET is missing: expected a secret of your own in production/);
  });

  it('accepts a complete production configuration', () => {
    const env = parseEnv({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      APP_URL: 'https://pay.example/',
      SESSION_SECRET: 'x'.repeat(40),
      APP_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      PORTAL_SIGNING_KEYS: '{"keys":[]}',
    });
    expect(env.APP_URL).toBe('https://pay.example');
  });
});
