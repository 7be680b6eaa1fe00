/** `POST /api/v1/-/reload` (admin): re-read the config file, like Prometheus' /-/reload. */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../engine/actor.js';
import { sendProblem } from '../problem.js';

export interface ReloadProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  /** The same problem as one `FILE:LINE:COL path: message` line. */
  text: string;
}

interface ReconcileCounts {
  created: string[];
  updated: string[];
  removed: string[];
}

export type ReloadOutcome =
  | { ok: true; summary: string; restartRequired: string[]; services: ReconcileCounts; monitors: ReconcileCounts; slos: ReconcileCounts }
  | { ok: false; problems: ReloadProblem[] };

export interface ConfigReloader {
  /** Loads and applies the config file; on failure nothing changes and the problems are returned. */
  reload(actor: Actor): Promise<ReloadOutcome>;
}

export function registerReloadRoute(app: FastifyInstance, reloader: ConfigReloader): void {
  app.post('/api/v1/-/reload', {
    config: { requiredRole: 'admin' },
    schema: { tags: ['admin'], summary: 'Reload the config file; a bad file is rejected and the running config stays' },
  }, async (request, reply) => {
    const outcome = await reloader.reload(request.actor);
    if (!outcome.ok) {
      return sendProblem(reply, request, 422, 'config-invalid', `the config was not reloaded; the running config stays. ${outcome.problems.length} problem(s): ${outcome.problems.map((p) => p.text).join('; ')}`, {
        errors: outcome.problems.map((p) => ({ field: p.path, message: p.message, file: p.file, line: p.line, column: p.column })),
      });
    }
    return {
      status: 'reloaded',
      summary: outcome.summary,
      restart_required: outcome.restartRequired,
      services: outcome.services,
      monitors: outcome.monitors,
      slos: outcome.slos,
    };
  });
}
