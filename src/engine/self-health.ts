/**
 * sre-monitor's view of its own health: is the store answering, are migrations applied, is a
 * config loaded. Readiness uses the same checks, so a load balancer stops sending traffic when
 * the store is gone.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../adapters/store/store.js';

export type ComponentState = 'up' | 'down';

export interface ComponentHealth {
  name: 'store' | 'migrations' | 'config';
  status: ComponentState;
  latencyMs: number;
  detail: string;
}

export interface SelfHealthReport {
  status: 'up' | 'down';
  components: ComponentHealth[];
}

export interface SelfHealth {
  check(): Promise<SelfHealthReport>;
}

export interface SelfHealthOptions {
  store: Store;
  /** Migrations do not change while running, so app.ts reports the result of the start-up run. */
  migrationsApplied: () => { ok: boolean; detail: string };
  config: () => { ok: boolean; detail: string };
  storeTimeoutMs?: number;
}

export function createSelfHealth(options: SelfHealthOptions): SelfHealth {
  const timeoutMs = options.storeTimeoutMs ?? 2000;

  const checkStore = async (): Promise<ComponentHealth> => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        options.store.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { name: 'store', status: 'up', latencyMs: performance.now() - started, detail: `${options.store.kind} ${options.store.location}` };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { name: 'store', status: 'down', latencyMs: performance.now() - started, detail: `${options.store.kind}: ${message}` };
    } finally {
      if (timer) clearTimeout(timer);
    }
  };

  const fromFlag = (name: 'migrations' | 'config', result: { ok: boolean; detail: string }): ComponentHealth => ({
    name,
    status: result.ok ? 'up' : 'down',
    latencyMs: 0,
    detail: result.detail,
  });

  return {
    async check() {
      const components = [await checkStore(), fromFlag('migrations', options.migrationsApplied()), fromFlag('config', options.config())];
      return { status: components.every((c) => c.status === 'up') ? 'up' : 'down', components };
    },
  };
}
