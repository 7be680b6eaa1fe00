/**
 * For unit tests of engine services over the real store: a migrated SQLite file per test,
 * removed after it, and a failure switch around a real repository, to test what a failed write
 * (a full disk, a lost connection) does without replacing the store with a stand-in.
 */
import { afterEach } from 'vitest';
import { createTestStoreFile, type TestStoreFile } from './outbox-harness.js';

/**
 * Call at the top of a test file, before its own `afterEach` hooks (vitest runs those in
 * reverse order, so services are stopped before their store closes). The returned function
 * makes a fresh store file; `open()` it once per process (twice to test a restart).
 */
export function useTestStoreFiles(): () => Promise<TestStoreFile> {
  const files: TestStoreFile[] = [];
  afterEach(async () => {
    for (const file of files.splice(0)) await file.cleanup();
  });
  return async () => {
    const file = await createTestStoreFile();
    files.push(file);
    return file;
  };
}

/** Makes the next writes reject, as a full disk or a lost database connection would. */
export interface FailureSwitch {
  failWrites: boolean;
  /** Writes that reached the store and committed. */
  writes: number;
}

type AsyncMethodName<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never }[keyof T] & string;

/**
 * `repository` with its `writeMethods` guarded: while `failWrites` is on they reject without
 * touching the store; otherwise every call goes to the real repository.
 */
export function withFailureSwitch<T extends object>(repository: T, writeMethods: ReadonlyArray<AsyncMethodName<T>>): T & FailureSwitch {
  const state: FailureSwitch = { failWrites: false, writes: 0 };
  const guarded = new Set<string | symbol>(writeMethods);
  const switched = new Proxy(repository, {
    get(target, property) {
      if (property === 'failWrites' || property === 'writes') return state[property];
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!guarded.has(property)) return method.bind(target);
      return async (...args: unknown[]): Promise<unknown> => {
        if (state.failWrites) throw new Error(`${String(property)}: write failed (test failure switch)`);
        const result = await method.apply(target, args);
        state.writes += 1;
        return result;
      };
    },
    set(target, property, value: unknown) {
      if (property === 'failWrites') state.failWrites = value === true;
      else if (property === 'writes') state.writes = Number(value);
      else return Reflect.set(target, property, value);
      return true;
    },
  });
  return switched as T & FailureSwitch;
}
