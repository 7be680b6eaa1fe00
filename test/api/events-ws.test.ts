import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';
import { collectEvents } from '../support/ws-client.js';

describe.each(storeKinds)('live events on /ws with %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { appOptions: { websocketMaxBufferedBytes: 256 * 1024 } });
  });
  afterAll(async () => t.close());

  const connect = (query = '') => new WebSocket(`${t.url.replace('http', 'ws')}/ws${query}`);

  it('streams service events as {type, at, data}, honouring ?types=', async () => {
    const all = connect();
    const onlyDeletes = connect('?types=service.deleted');
    const [allEvents, deleteEvents] = await Promise.all([collectEvents(all), collectEvents(onlyDeletes)]);

    expect((await t.request('/api/v1/services', { method: 'POST', token: t.tokens.admin, json: { name: 'live-one' } })).status).toBe(201);
    expect((await t.request('/api/v1/services/live-one', { method: 'DELETE', token: t.tokens.admin })).status).toBe(204);

    const created = await allEvents.next((e) => e.type === 'service.created');
    expect(created.data).toMatchObject({ service: { name: 'live-one', source: 'api' } });
    expect(Date.parse(created.at)).not.toBeNaN();
    await allEvents.next((e) => e.type === 'service.deleted');
    const deleted = await deleteEvents.next((e) => e.type === 'service.deleted');
    expect(deleted.data).toMatchObject({ service: { name: 'live-one' } });
    expect(deleteEvents.received.map((e) => e.type)).toEqual(['service.deleted']);
    all.close();
    onlyDeletes.close();
  });

  it('rejects an unknown event type in the filter with 400 before upgrading', async () => {
    const socket = connect('?types=service.created,nope.*');
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      socket.on('open', () => reject(new Error('upgraded despite a bad filter')));
      socket.on('error', () => undefined);
      socket.on('unexpected-response', (_request, response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
    });
    expect(status).toBe(400);
    expect(body).toContain("unknown event type 'nope.*'");
  });

  it('drops a client that stops reading instead of buffering without bound', async () => {
    const slow = connect('?types=service.*');
    await collectEvents(slow);
    // The server's own listeners (alerting's SLO and monitor bridges) stay subscribed.
    const withSlow = t.app.bus.subscriberCount();
    let closeCode = 0;
    slow.on('close', (code) => {
      closeCode = code;
    });
    // Stop reading: the kernel buffers fill, then the server's per-client buffer grows.
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    const bigLabel = 'x'.repeat(150);
    for (let i = 0; i < 4000 && (await droppedCount()) === 0; i += 1) {
      t.app.bus.publish('service.created', {
        service: { name: `s${i}`, displayName: bigLabel.repeat(60), team: null, criticality: 'low', tags: [], dependencies: [], links: {}, source: 'api', createdAt: '', updatedAt: '' },
      });
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await droppedCount()).toBe(1);
    expect(t.app.bus.subscriberCount()).toBeLessThanOrEqual(withSlow - 1);
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(closeCode === 1013 || closeCode === 1006).toBe(true);
  });

  async function droppedCount(): Promise<number> {
    const metric = await t.app.metrics.websocketDroppedClients.get();
    return metric.values[0]?.value ?? 0;
  }
});
