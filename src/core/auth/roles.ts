/** API roles, ordered: each role can do everything the ones before it can. */
export const roles = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof roles)[number];

/** True when `actual` is at least `required` (viewer < responder < admin). */
export function roleAllows(actual: Role, required: Role): boolean {
  return roles.indexOf(actual) >= roles.indexOf(required);
}
