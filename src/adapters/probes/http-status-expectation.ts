/** Which HTTP status codes count as up: a list of codes and inclusive ranges, 200-299 by default. */

export type ExpectedStatus = number | { from: number; to: number };

export const DEFAULT_EXPECTED_STATUS: readonly ExpectedStatus[] = [{ from: 200, to: 299 }];

export function isExpectedStatus(statusCode: number, expected: readonly ExpectedStatus[]): boolean {
  return expected.some((entry) =>
    typeof entry === 'number' ? statusCode === entry : statusCode >= entry.from && statusCode <= entry.to,
  );
}

/** `200-299`, `200, 204, 300-399`: as shown in `HTTP 503 (expected 200-299)`. */
export function formatExpectedStatus(expected: readonly ExpectedStatus[]): string {
  return expected
    .map((entry) => (typeof entry === 'number' ? String(entry) : `${entry.from}-${entry.to}`))
    .join(', ');
}
