import { describe, expect, it } from 'vitest';
import { createPostgresStore, redactPostgresUrl } from './postgres-store.js';

describe('redactPostgresUrl', () => {
  it.each([
    ['postgres://monitor:s3cr%40t@db.internal:5432/sre', 'postgres://monitor:***@db.internal:5432/sre'],
    ['postgres://monitor@db.internal/sre?sslmode=require', 'postgres://monitor@db.internal/sre?sslmode=require'],
    ['postgresql://db.internal/sre?user=monitor&password=hunter2', 'postgresql://db.internal/sre?user=monitor&password=***'],
    ['host=db.internal user=monitor password=hunter2 dbname=sre', 'host=db.internal user=monitor password=*** dbname=sre'],
    ["host=db password = 'two words' dbname=sre", 'host=db password = *** dbname=sre'],
  ])('redacts %s', (url, expected) => {
    expect(redactPostgresUrl(url)).toBe(expected);
  });

  it('is what the store reports as its location', async () => {
    const store = await createPostgresStore({ url: 'postgres://monitor:hunter2@127.0.0.1:1/sre', poolMax: 1, idleTimeoutMs: 1000 });
    try {
      expect(store.kind).toBe('postgres');
      expect(store.location).toBe('postgres://monitor:***@127.0.0.1:1/sre');
    } finally {
      await store.close();
    }
  });
});
