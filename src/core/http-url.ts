/** True when `text` is an absolute http:// or https:// URL (WHATWG parsing; pure, no I/O). */
export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
