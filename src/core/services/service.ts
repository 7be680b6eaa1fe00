/**
 * The service catalog's model: what a team runs, who owns it, how critical it is and what it
 * calls. Other features (monitors, SLOs, alerts, incidents) hang off a service by its name.
 */
export const criticalities = ['critical', 'high', 'medium', 'low'] as const;
export type Criticality = (typeof criticalities)[number];

/** Where a service was declared: config-owned ones are read-only through the API. */
export type ServiceSource = 'config' | 'api';

export interface ServiceLinks {
  runbook?: string;
  dashboard?: string;
  repo?: string;
}

/** A service as the user declares it (config file or API body). */
export interface ServiceSpec {
  name: string;
  displayName: string;
  team: string | null;
  criticality: Criticality;
  tags: string[];
  dependencies: string[];
  links: ServiceLinks;
}

/** A stored service: the spec plus bookkeeping. Times are RFC 3339 UTC strings. */
export interface Service extends ServiceSpec {
  source: ServiceSource;
  createdAt: string;
  updatedAt: string;
}

/** Slug rule for service names: they appear in URLs, labels and metric label values. */
export const serviceNamePattern = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';

/** True when two specs describe the same service (used to skip no-op reconciles). */
export function sameServiceSpec(a: ServiceSpec, b: ServiceSpec): boolean {
  return (
    a.name === b.name &&
    a.displayName === b.displayName &&
    a.team === b.team &&
    a.criticality === b.criticality &&
    sameList(a.tags, b.tags) &&
    sameList(a.dependencies, b.dependencies) &&
    a.links.runbook === b.links.runbook &&
    a.links.dashboard === b.links.dashboard &&
    a.links.repo === b.links.repo
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
