import { describe, expect, it } from 'vitest';
import { formatBytes } from './probes/format-bytes.js';
import { redactSecrets, redactUrl, secretsOfUrl } from './secret-redaction.js';

describe('secret redaction', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['postgres://app@db/app?password=s3cret&sslmode=require', 'postgres://app@db/app?password=***&sslmode=require'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['not a url', '(unparsable URL)'],
  ])('redacts %j', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('removes raw and percent-decoded passwords from a message', () => {
    const secrets = secretsOfUrl('redis://:pa%2Fss@127.0.0.1:6379/0?pass=other');
    expect(redactSecrets('auth pa%2Fss then pa/ss then other failed', secrets)).toBe('auth *** then *** then *** failed');
    expect(secretsOfUrl('postgres://app@db/app')).toEqual([]);
  });
});

describe('formatBytes', () => {
  it.each([
    [512, '512 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [812 * 1024 ** 2, '812 MB'],
    [512 * 1024 ** 2, '512 MB'],
    [1.5 * 1024 ** 3, '1.5 GB'],
  ])('%d bytes is %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});
