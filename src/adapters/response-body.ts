/**
 * The first bytes of a fetch Response's body as UTF-8, reading no further than `maxBytes` (a
 * receiver or runbook endpoint that streams forever cannot hold the caller), then cancelling
 * the rest. Used where only an excerpt matters: error messages, step output.
 */
export async function readResponseStart(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < maxBytes) {
    const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
    if (chunk.done || chunk.value === undefined) break;
    chunks.push(chunk.value);
    total += chunk.value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
