/**
 * Polls `probe` every 50 ms until it returns something other than undefined, for tests that
 * wait on a real server (a webhook arriving, a background write landing); fails after `timeoutMs`.
 */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
