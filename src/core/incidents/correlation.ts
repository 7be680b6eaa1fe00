/**
 * Which incident an incident-worthy alert belongs to. The correlation key is the values of the
 * configured labels (default `service`), e.g. `service=checkout`. An alert already linked to an
 * open incident stays with it; otherwise it joins the open incident with the same key that was
 * detected no more than `windowMs` before (default 10 min), else it opens a new incident. The
 * window counts from the incident's detection, so a long incident does not absorb unrelated
 * alerts of the same service hours later.
 */
import type { Incident } from './incident.js';

export interface CorrelationInput {
  openIncidents: ReadonlyArray<Pick<Incident, 'id' | 'status' | 'alerts' | 'correlationKey' | 'detectedAtMs'>>;
  alert: { fingerprint: string; labels: Readonly<Record<string, string>> };
  keyLabels: readonly string[];
  windowMs: number;
  nowMs: number;
}

export type CorrelationDecision =
  | { action: 'join'; incidentId: string; key: string | null; reason: 'already_linked' | 'same_key_in_window' }
  | { action: 'create'; key: string | null; reason: 'no_key' | 'no_open_incident' | 'outside_window' };

/** `service=api,region=eu`; null when the alert has none of the key labels. */
export function correlationKey(labels: Readonly<Record<string, string>>, keyLabels: readonly string[]): string | null {
  const parts = keyLabels.filter((name) => (labels[name] ?? '') !== '').map((name) => `${name}=${labels[name] ?? ''}`);
  return parts.length === 0 ? null : parts.join(',');
}

export function decideCorrelation(input: CorrelationInput): CorrelationDecision {
  const open = input.openIncidents.filter((incident) => incident.status !== 'resolved');
  const linked = open.find((incident) => incident.alerts.includes(input.alert.fingerprint));
  const key = correlationKey(input.alert.labels, input.keyLabels);
  if (linked !== undefined) return { action: 'join', incidentId: linked.id, key, reason: 'already_linked' };
  if (key === null) return { action: 'create', key, reason: 'no_key' };
  const sameKey = open.filter((incident) => incident.correlationKey === key);
  if (sameKey.length === 0) return { action: 'create', key, reason: 'no_open_incident' };
  // The most recently detected one inside the window: the incident people are looking at now.
  const inWindow = sameKey
    .filter((incident) => input.nowMs - incident.detectedAtMs <= input.windowMs && incident.detectedAtMs <= input.nowMs)
    .sort((a, b) => b.detectedAtMs - a.detectedAtMs)[0];
  if (inWindow === undefined) return { action: 'create', key, reason: 'outside_window' };
  return { action: 'join', incidentId: inWindow.id, key, reason: 'same_key_in_window' };
}
