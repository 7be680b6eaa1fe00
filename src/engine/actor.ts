/**
 * Who is doing something, carried from the HTTP layer (or the CLI, or config reconcile) into
 * the engine so every mutation can be audited with its author and request id.
 */
import type { Role } from '../core/auth/roles.js';

export interface Actor {
  /** Token name, `anonymous`, `config` or `cli`. */
  name: string;
  role: Role;
  requestId: string | null;
}

export const configActor: Actor = { name: 'config', role: 'admin', requestId: null };
export const cliActor: Actor = { name: 'cli', role: 'admin', requestId: null };
