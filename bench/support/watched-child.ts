/**
 * A child process the benchmark starts and must always stop: the tail of its output is kept
 * for error messages, waiting for a line in it is bounded in time, and `stop` sends SIGTERM,
 * then SIGKILL after a deadline. Used for the target, the server and the reference loop.
 */
import { spawn, type SpawnOptions } from 'node:child_process';

/** Only the tail of a child's output is kept. */
const outputLimitChars = 64 * 1024;
const pollMs = 50;

export interface WatchedChild {
  pid: number;
  /** stdout and stderr interleaved, the last 64 KiB. */
  output(): string;
  /** Lines of stdout not yet taken by `takeLines` (each complete line once). */
  takeLines(): string[];
  /** Exit code or signal name once exited, else undefined. */
  exitedWith(): number | string | undefined;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code or a description. */
  stop(timeoutMs?: number): Promise<number | string>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function spawnWatched(command: string, args: string[], options: SpawnOptions = {}): WatchedChild {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let partialLine = '';
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-outputLimitChars);
    const parts = (partialLine + text).split('\n');
    partialLine = parts.pop() ?? '';
    // Bounded: a child that prints without anyone taking lines cannot grow this without end.
    for (const line of parts) if (lines.length < 10_000) lines.push(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-outputLimitChars);
  });
  let exitedWith: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedWith = code ?? signal ?? -1;
      resolve(exitedWith);
    });
    child.once('error', (error) => {
      output += `\nspawn error: ${error.message}`;
      exitedWith = 'spawn error';
      resolve(exitedWith);
    });
  });

  return {
    pid: child.pid ?? -1,
    output: () => output,
    takeLines: () => lines.splice(0, lines.length),
    exitedWith: () => exitedWith,
    async waitFor(pattern, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match !== null) return match;
        if (exitedWith !== undefined) throw new Error(`${what}: the process exited with ${exitedWith} first:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s:\n${output}`);
        await sleep(pollMs);
      }
    },
    async stop(timeoutMs = 20_000) {
      if (exitedWith !== undefined) return exitedWith;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = Symbol('timed out');
      const outcome = await Promise.race([exited, new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), timeoutMs)))]);
      clearTimeout(timer);
      if (outcome !== timedOut) return outcome;
      child.kill('SIGKILL');
      await exited;
      return `no exit within ${Math.round(timeoutMs / 1000)} s of SIGTERM (killed)`;
    },
  };
}
