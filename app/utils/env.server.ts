import { z } from 'zod';

/** Values that make development easy and production unsafe; production refuses them. */
export const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-0123456789';
export const DEV_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    APP_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL')
      .optional(),
    DATA_DIR: z.string().default('.data'),
    SESSION_SECRET: z.string().min(32, 'at least 32 characters').default(DEV_SESSION_SECRET),
    APP_ENCRYPTION_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, '32 bytes, base64-encoded')
      .default(DEV_ENCRYPTION_KEY),
    PORTAL_SIGNING_KEYS: z.string().optional(),
    RUN_WORKER: bool.default(true),
    RESEND_API_KEY: z.string().optional(),
    RESEND_WEBHOOK_SECRET: z.string().optional(),
    EMAIL_FROM: z.string().default('Voldaan <noreply@voldaan.local>'),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().optional(),
    MOLLIE_API_KEY: z.string().optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
    // A request waits at most this long for a new database connection before it answers 503.
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    // The longest statement a web request may run; the slowest legitimate one (a batch of a
    // 5,000-row CSV import) takes well under a second.
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
    // A worker renews its lease this often, and is taken for dead when its lease is this old:
    // the jobs it held are then unlocked for the others (see app/modules/jobs/worker-leases.server.ts).
    WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    WORKER_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(120_000),
    // Reverse-proxy hops in front of the app whose X-Forwarded-For/-Proto/-Host are believed. None by
    // default, in every mode: a client could otherwise pick its own address and so escape per-IP limits.
    TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    // Requests per API key per minute, counted in PostgreSQL so every web process shares the count.
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
  })
  .superRefine((env, ctx) => {
    // Two missed heartbeats must not yet look like a dead worker.
    if (env.WORKER_LEASE_MS < 3 * env.WORKER_HEARTBEAT_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['WORKER_LEASE_MS'],
        message: `at least three times WORKER_HEARTBEAT_MS (${3 * env.WORKER_HEARTBEAT_MS})`,
      });
    if (env.NODE_ENV !== 'production') return;
    if (env.SESSION_SECRET === DEV_SESSION_SECRET)
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'a secret of your own in production' });
    if (env.APP_ENCRYPTION_KEY === DEV_ENCRYPTION_KEY)
      ctx.addIssue({ code: 'custom', path: ['APP_ENCRYPTION_KEY'], message: 'a key of your own in production' });
    if (!env.PORTAL_SIGNING_KEYS)
      ctx.addIssue({ code: 'custom', path: ['PORTAL_SIGNING_KEYS'], message: 'a JWK set in production' });
    if (!env.DATABASE_URL)
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'a database URL in production' });
    if (!env.APP_URL)
      ctx.addIssue({ code: 'custom', path: ['APP_URL'], message: 'the public https URL in production' });
  });

export type Env = z.infer<typeof schema> & { APP_URL: string };

export class EnvError extends Error {}

/** Parses the environment; the error message is one line per problem, naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const got = cleaned[name] === undefined ? 'missing' : 'invalid';
      return `${name} is ${got}: expected ${issue.message}`;
    });
    throw new EnvError(lines.join('\n'));
  }
  const env = result.data;
  return { ...env, APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '') };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests and the start script, after process.env changed. */
export function resetEnv() {
  cached = undefined;
}
