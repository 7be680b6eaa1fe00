import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestPriority } from '../engine/request-priority.js';
import { registerRequestPriority } from './request-priority-hook.js';

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function serve() {
  const priority = createRequestPriority();
  const app = Fastify({ forceCloseConnections: true });
  apps.push(app);
  registerRequestPriority(app, priority);
  const seen: number[] = [];
  let release: () => void = () => undefined;
  app.get('/count', () => {
    seen.push(priority.inFlight());
    return { ok: true };
  });
  app.get('/held', () => new Promise((resolve) => (release = () => resolve({ ok: true }))));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { priority, address, seen, release: () => release() };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

describe('request priority hook', () => {
  it('counts a request from its arrival until its answer, errors included', async () => {
    const { priority, address, seen } = await serve();
    expect((await fetch(`${address}/count`)).status).toBe(200);
    expect((await fetch(`${address}/boom`)).status).toBe(500);
    expect((await fetch(`${address}/missing`)).status).toBe(404);
    await settle();
    expect(seen).toEqual([1]);
    expect(priority.inFlight()).toBe(0);
  });

  it('stops counting a request whose client went away before the answer', async () => {
    const { priority, address, release } = await serve();
    const controller = new AbortController();
    const pending = fetch(`${address}/held`, { signal: controller.signal }).catch(() => 'aborted');
    await settle();
    expect(priority.inFlight()).toBe(1);
    controller.abort();
    expect(await pending).toBe('aborted');
    await settle();
    expect(priority.inFlight()).toBe(0);
    release();
  });
});
