import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './flush-writes.js';

const endOfRound = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('createGroupCommit', () => {
  it('commits the writes of one round together, once the round is over', async () => {
    const commits: number[][] = [];
    const commit = createGroupCommit<number>((items) => {
      commits.push([...items]);
      return Promise.resolve();
    });
    // Synchronous commits (better-sqlite3): without the wait for the round's end each write
    // would be committed on its own before the next one is even made.
    const writes = [1, 2, 3].map((n) => commit(n));
    await Promise.resolve();
    expect(commits).toEqual([]);
    await Promise.all(writes);
    expect(commits).toEqual([[1, 2, 3]]);
  });

  it('commits what arrives during a commit together in the next one, answering each after its commit', async () => {
    const commits: number[][] = [];
    let release: () => void = () => undefined;
    const commit = createGroupCommit<number>(async (items) => {
      commits.push([...items]);
      if (commits.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const answered: number[] = [];
    const first = commit(1).then(() => answered.push(1));
    await endOfRound();
    const later = [2, 3, 4].map((n) => commit(n).then(() => answered.push(n)));
    await endOfRound();
    expect(commits).toEqual([[1]]);
    expect(answered).toEqual([]);
    release();
    await Promise.all([first, ...later]);
    expect(commits).toEqual([[1], [2, 3, 4]]);
    expect(answered).toEqual([1, 2, 3, 4]);
  });

  it('retries a failed batch write by write, so only the bad write fails', async () => {
    const committed: number[] = [];
    const commit = createGroupCommit<number>((items) => {
      if (items.length > 1 && items.includes(13)) return Promise.reject(new Error('batch with bad write 13'));
      if (items.includes(13)) return Promise.reject(new Error('bad write 13'));
      committed.push(...items);
      return Promise.resolve();
    });
    const results = [12, 13, 14].map((n) => commit(n).then(() => 'ok', (error: unknown) => (error as Error).message));
    expect(await Promise.all(results)).toEqual(['ok', 'bad write 13', 'ok']);
    expect(committed).toEqual([12, 14]);
  });
});
