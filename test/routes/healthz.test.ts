import { describe, expect, it } from 'vitest';
import { closeDb } from '~/utils/db.server';
import { loader } from '~/routes/healthz';

describe('GET /healthz', () => {
  it('answers 200 when the database answers', async () => {
    const response = await loader();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database is unreachable', async () => {
    const saved = process.env.DATABASE_URL;
    await closeDb();
    process.env.DATABASE_URL = 'postgres://nobody:nothing@127.0.0.1:1/none';
    try {
      const response = await loader();
      expect(response.status).toBe(503);
    } finally {
      await closeDb();
      process.env.DATABASE_URL = saved;
    }
  });
});
