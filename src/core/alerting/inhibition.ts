/**
 * Inhibition as Alertmanager's inhibitor decides it (inhibit/inhibit.go): an alert (the target)
 * is muted by a rule when the target matches the rule's target matchers and some firing alert
 * (the source) matches its source matchers and has the same values for every `equal` label (a
 * missing label equals an empty one). When the target also matches the source matchers, sources
 * that also match the target matchers are not counted, so an alert never inhibits itself and
 * two alerts matching both sides do not mute each other.
 *
 * The index is built once per flush from the firing alerts at that flush's `now` and answers
 * each target in time proportional to the candidates sharing its `equal` values.
 */
import type { Alert } from './alert.js';
import { labelValue, matchersMatch, type LabelSet } from './label-matcher.js';
import type { InhibitRule } from './alertmanager-config.js';

type SourceAlert = Pick<Alert, 'fingerprint' | 'labels'>;

interface RuleIndex {
  rule: InhibitRule;
  /** Sources matching the source matchers, by the JSON of their `equal` label values. */
  sourcesByEqualValues: Map<string, SourceAlert[]>;
}

export interface InhibitionIndex {
  /** The fingerprint of an alert that inhibits an alert with `labels`, or undefined when none does. */
  inhibitedBy(labels: LabelSet): string | undefined;
}

function equalValuesKey(rule: InhibitRule, labels: LabelSet): string {
  return JSON.stringify(rule.equal.map((name) => labelValue(labels, name)));
}

/**
 * Indexes `firingAlerts` (the caller passes only alerts firing at its `now`) under `rules`.
 * Sources are tried in fingerprint order so the answer does not depend on arrival order.
 */
export function createInhibitionIndex(rules: readonly InhibitRule[], firingAlerts: Iterable<SourceAlert>): InhibitionIndex {
  const indexes: RuleIndex[] = rules.map((rule) => ({ rule, sourcesByEqualValues: new Map() }));
  if (indexes.length > 0) {
    for (const alert of firingAlerts) {
      for (const index of indexes) {
        if (!matchersMatch(index.rule.sourceMatchers, alert.labels)) continue;
        const key = equalValuesKey(index.rule, alert.labels);
        const list = index.sourcesByEqualValues.get(key);
        if (list === undefined) index.sourcesByEqualValues.set(key, [alert]);
        else list.push(alert);
      }
    }
    for (const index of indexes) {
      for (const list of index.sourcesByEqualValues.values()) list.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    }
  }
  return {
    inhibitedBy(labels) {
      for (const { rule, sourcesByEqualValues } of indexes) {
        if (!matchersMatch(rule.targetMatchers, labels)) continue;
        const candidates = sourcesByEqualValues.get(equalValuesKey(rule, labels));
        if (candidates === undefined) continue;
        const excludeTwoSided = matchersMatch(rule.sourceMatchers, labels);
        const source = candidates.find((candidate) => !excludeTwoSided || !matchersMatch(rule.targetMatchers, candidate.labels));
        if (source !== undefined) return source.fingerprint;
      }
      return undefined;
    },
  };
}
