// The running server looks for tokens revoked by another process (`sre-monitor token revoke`
// writes the store directly) every few seconds: driven here by manual timers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifiedForMs } from '../../src/engine/token-service.js';
import { createManualTimers } from '../support/manual-timers.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('token revocations by another process', () => {
  const timers = createManualTimers();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { yaml: 'auth:\n  anonymous: none\n', appOptions: { timers } });
  });
  afterAll(async () => t.close());

  it('stop the token working at the next check', async () => {
    const { secret } = await t.app.tokens.create('revoked-by-cli', 'viewer', { name: 'cli', role: 'admin', requestId: null });
    expect((await t.request('/api/v1/services', { token: secret })).status).toBe(200);
    expect(await t.app.store.tokens.revoke('revoked-by-cli')).toBe(true);
    await timers.advanceMs(verifiedForMs);
    expect((await t.request('/api/v1/services', { token: secret })).status).toBe(401);
  });
});
