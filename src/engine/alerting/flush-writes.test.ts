import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './flush-writes.js';

describe('createGroupCommit', () => {
  it('commits what arrives during a commit together in the next one, answering each after its commit', async () => {
    const commits: number[][] = [];
    let release: () => void = () => undefined;
    const commit = createGroupCommit<number>(async (items) => {
      commits.push([...items]);
      if (commits.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const answered: number[] = [];
    const first = commit(1).then(() => answered.push(1));
    const later = [2, 3, 4].map((n) => commit(n).then(() => answered.push(n)));
    await Promise.resolve();
    expect(commits).toEqual([[1]]);
    expect(answered).toEqual([]);
    release();
    await Promise.all([first, ...later]);
    expect(commits).toEqual([[1], [2, 3, 4]]);
    expect(answered).toEqual([1, 2, 3, 4]);
  });

  it('retries a failed batch write by write, so only the bad write fails', async () => {
    const committed: number[] = [];
    let hold = true;
    let release: () => void = () => undefined;
    const commit = createGroupCommit<number>(async (items) => {
      if (hold) {
        hold = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      if (items.includes(13)) throw new Error('bad write 13');
      committed.push(...items);
    });
    const first = commit(1);
    const results = [12, 13, 14].map((n) => commit(n).then(() => 'ok', (error: unknown) => (error as Error).message));
    release();
    await first;
    expect(await Promise.all(results)).toEqual(['ok', 'bad write 13', 'ok']);
    expect(committed).toEqual([1, 12, 14]);
  });
});
