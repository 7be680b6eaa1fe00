/**
 * The tables as Kysely sees them. Column types are what both drivers hand back: times are
 * RFC 3339 UTC text (lexical order is time order) and JSON is text, so one schema and one set of
 * queries serve SQLite and PostgreSQL alike.
 */
import type { Generated } from 'kysely';
import type { Role } from '../../core/auth/roles.js';
import type { Criticality, ServiceSource } from '../../core/services/service.js';

export interface ServicesTable {
  name: string;
  display_name: string;
  team: string | null;
  criticality: Criticality;
  /** JSON array of strings, in the order the user gave them. */
  tags_json: string;
  /** JSON array of service names. */
  dependencies_json: string;
  /** JSON object ({ runbook?, dashboard?, repo? }). */
  links_json: string;
  source: ServiceSource;
  created_at: string;
  updated_at: string;
}

/**
 * One row per distinct (service, tag): `services.tags_json` keeps the user's list, this table
 * exists so the tag filter runs in SQL with an index instead of parsing JSON per row.
 */
export interface ServiceTagsTable {
  service_name: string;
  tag: string;
}

export interface ApiTokensTable {
  name: string;
  role: Role;
  /** SHA-256 of the token, hex. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AuditLogTable {
  /**
   * SQLite returns a number; node-postgres returns int8 as a string (it may exceed 2^53), so
   * readers convert with Number(). Insertable so a restore can keep the original ids.
   */
  id: Generated<number | string>;
  at: string;
  actor: string;
  action: string;
  object_type: string;
  object_id: string;
  /** JSON text; NULL when the value was null or absent. */
  before_json: string | null;
  after_json: string | null;
  request_id: string | null;
}

export interface Database {
  services: ServicesTable;
  service_tags: ServiceTagsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
}
