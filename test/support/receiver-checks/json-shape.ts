// Shape checks shared by the local receivers: JSON helpers and Alertmanager's webhook message.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringMap(value: unknown): boolean {
  return isObject(value) && Object.values(value).every((item) => typeof item === 'string');
}

export const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Alertmanager's webhook message (`version` "4"; incident.io's alert source takes the same with "1"). */
export function checkAlertmanagerWebhook(body: Json, problems: string[], version = '4'): void {
  if (body.version !== version) problems.push(`version must be "${version}"`);
  for (const key of ['groupKey', 'receiver', 'externalURL']) if (typeof body[key] !== 'string') problems.push(`${key} must be a string`);
  if (!Number.isInteger(body.truncatedAlerts)) problems.push('truncatedAlerts must be an integer');
  if (body.status !== 'firing' && body.status !== 'resolved') problems.push('status must be firing or resolved');
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations']) if (!isStringMap(body[key])) problems.push(`${key} must map strings to strings`);
  if (!Array.isArray(body.alerts) || body.alerts.length === 0) return void problems.push('alerts must be a non-empty list');
  (body.alerts as unknown[]).forEach((alert, index) => {
    if (!isObject(alert)) return void problems.push(`alerts[${index}] must be an object`);
    if (alert.status !== 'firing' && alert.status !== 'resolved') problems.push(`alerts[${index}].status`);
    if (!isStringMap(alert.labels) || !isStringMap(alert.annotations)) problems.push(`alerts[${index}] labels/annotations`);
    for (const key of ['startsAt', 'endsAt']) if (typeof alert[key] !== 'string' || !rfc3339.test(alert[key])) problems.push(`alerts[${index}].${key} must be RFC 3339`);
    if (typeof alert.generatorURL !== 'string') problems.push(`alerts[${index}].generatorURL`);
    if (typeof alert.fingerprint !== 'string' || !/^[0-9a-f]{16}$/.test(alert.fingerprint)) problems.push(`alerts[${index}].fingerprint must be 16 hex digits`);
  });
}
