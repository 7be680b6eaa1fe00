/**
 * `/api/v1/ack/<token>`: acknowledge an alert from the signed link in a notification, without
 * logging in, or acknowledge/resolve an incident from its link. GET shows what the link would do and a button (mail scanners open links on their
 * own, so a GET never acts); POST acts. The token is HMAC-signed, expiring and bound to one
 * alert and one action: a forged token is 403, an expired one 410, a mangled one 400.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { AckLinks } from '../../engine/alerting/ack-links.js';
import type { AlertsApi } from '../alerting-api.js';
import type { Incident } from '../../core/incidents/incident.js';

/** What an incident link may do: acknowledge or resolve that one incident. */
export interface IncidentAckApi {
  get(id: string): Promise<Incident | null>;
  acknowledge(id: string, actor: string): Promise<Incident>;
  resolve(id: string, actor: string): Promise<Incident>;
}

interface AckDeps {
  ackLinks: AckLinks | null;
  alerts: AlertsApi;
  incidents?: IncidentAckApi;
}
import { sendProblem } from '../problem.js';

const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 4096 }) });

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function registerAckRoutes(app: FastifyInstance, deps: AckDeps): Promise<void> {
  await app.register((scope) => {
    // The confirmation page posts an empty HTML form.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    registerAckHandlers(scope, deps);
    return Promise.resolve();
  });
}

function registerAckHandlers(app: FastifyInstance, deps: AckDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['alerts'];
  const config = { requiredRole: 'public' as const };

  /** The verified alert subject, or a problem already sent. */
  const verify = (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
    if (deps.ackLinks === null) return { error: sendProblem(reply, request, 404, 'not-found', 'acknowledgement links are off: set alerting.ack_links.secret') };
    const verdict = deps.ackLinks.verify(request.params.token);
    if (!verdict.ok) {
      const [status, slug] = verdict.reason === 'expired' ? [410, 'expired'] : verdict.reason === 'bad_signature' ? [403, 'forbidden'] : [400, 'validation'];
      return { error: sendProblem(reply, request, status, slug, `acknowledgement link ${verdict.reason.replace('_', ' ')}`) };
    }
    if (verdict.subject.kind === 'incident') {
      if (deps.incidents === undefined) return { error: sendProblem(reply, request, 404, 'not-found', 'incidents are not enabled on this server') };
      return { kind: 'incident' as const, incidentId: verdict.subject.id, action: verdict.action };
    }
    if (verdict.subject.kind !== 'alert') return { error: sendProblem(reply, request, 400, 'validation', `links for ${verdict.subject.kind} are handled elsewhere`) };
    return { kind: 'alert' as const, fingerprint: verdict.subject.id, action: verdict.action };
  };
  const page = (title: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;
  const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html') || request.headers['content-type'] === 'application/x-www-form-urlencoded';
  const verb = (action: string) => (action === 'resolve' ? 'Resolve' : 'Acknowledge');

  api.get('/api/v1/ack/:token', { config, schema: { tags, summary: 'What a signed acknowledgement link does (a page with a confirm button)', params: TokenParams } }, async (request, reply) => {
    const verified = verify(request, reply);
    if ('error' in verified) return verified.error;
    if (verified.kind === 'incident') {
      const incident = await deps.incidents?.get(verified.incidentId);
      const title = incident === null || incident === undefined ? `incident ${verified.incidentId}` : `${incident.id} [${incident.severity}] ${incident.title}`;
      const state = incident === null || incident === undefined ? 'not found' : `${incident.status}${incident.acknowledgedBy === null ? '' : `, acknowledged by ${incident.acknowledgedBy}`}`;
      return reply.type('text/html; charset=utf-8').send(page(verb(verified.action), `<h1>${verb(verified.action)} ${escapeHtml(title)}?</h1><p>Status: ${escapeHtml(state)}</p>
<form method="post"><button type="submit" style="font-size:1.2rem;padding:.5rem 1.5rem">${verb(verified.action)}</button></form>`));
    }
    const alert = deps.alerts.get(verified.fingerprint);
    const title = alert === undefined ? `alert ${verified.fingerprint}` : `${alert.labels.alertname ?? 'alert'} ${Object.entries(alert.labels).filter(([name]) => name !== 'alertname').map(([name, value]) => `${name}=${value}`).join(' ')}`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Acknowledge</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>Acknowledge ${escapeHtml(title)}?</h1>
<p>${escapeHtml(alert?.annotations.summary ?? '')}</p>
<form method="post"><button type="submit" style="font-size:1.2rem;padding:.5rem 1.5rem">Acknowledge</button></form>
</body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });

  api.post('/api/v1/ack/:token', { config, schema: { tags, summary: 'Act on a signed acknowledgement link', params: TokenParams } }, async (request, reply) => {
    const verified = verify(request, reply);
    if ('error' in verified) return verified.error;
    if (verified.kind === 'incident') {
      const incidents = deps.incidents as IncidentAckApi;
      const incident = verified.action === 'resolve' ? await incidents.resolve(verified.incidentId, 'ack-link') : await incidents.acknowledge(verified.incidentId, 'ack-link');
      const done = verified.action === 'resolve' ? 'Resolved' : 'Acknowledged';
      if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(page(done, `<h1>${done}</h1><p>${escapeHtml(`${incident.id} ${incident.title}`)} is ${done.toLowerCase()}${verified.action === 'resolve' ? '' : '; escalation stops'}.</p>`));
      return { incident: incident.id, status: incident.status, acknowledged_by: incident.acknowledgedBy, acknowledged_at: incident.acknowledgedAtMs === null ? null : new Date(incident.acknowledgedAtMs).toISOString(), resolved_at: incident.resolvedAtMs === null ? null : new Date(incident.resolvedAtMs).toISOString() };
    }
    const alert = await deps.alerts.acknowledge(verified.fingerprint, { name: 'ack-link', role: 'responder', requestId: request.id });
    if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acknowledged</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto"><h1>Acknowledged</h1><p>${escapeHtml(alert.labels.alertname ?? '')} is acknowledged; repeats and escalation stop.</p></body></html>`);
    return { fingerprint: alert.fingerprint, acknowledged_by: alert.acknowledgedBy, acknowledged_at: alert.acknowledgedAtMs === null ? null : new Date(alert.acknowledgedAtMs).toISOString() };
  });
}
