/** `/api/v1/services`: the service catalog over HTTP (snake_case, like the config file). */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { criticalities, serviceNamePattern, type Service, type ServiceSpec } from '../../core/services/service.js';
import type { ServiceCatalog, ServicePatch } from '../../engine/service-catalog.js';
import { PaginationQuery, decodeCursor, defaultPageSize, pageOf } from '../pagination.js';

const Links = Type.Object(
  {
    runbook: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    dashboard: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    repo: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
  },
  { additionalProperties: false },
);
const Criticality = Type.Enum([...criticalities]);
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 });
const Dependencies = Type.Array(Type.String({ pattern: serviceNamePattern }), { maxItems: 200 });
const DisplayName = Type.String({ minLength: 1, maxLength: 200 });
const Team = Type.String({ minLength: 1, maxLength: 100 });

/** Fields a client may set on create and change with PATCH (all optional). */
const editableFields = {
  display_name: Type.Optional(DisplayName),
  team: Type.Optional(Type.Union([Team, Type.Null()])),
  criticality: Type.Optional(Criticality),
  tags: Type.Optional(Tags),
  dependencies: Type.Optional(Dependencies),
  links: Type.Optional(Links),
};

export const ServiceBody = Type.Object(
  {
    name: Type.String({ pattern: serviceNamePattern, description: 'Unique slug: lower-case letters, digits and dashes.' }),
    ...editableFields,
  },
  { additionalProperties: false },
);

export const ServicePatchBody = Type.Object(editableFields, { additionalProperties: false });

export const ServiceResource = Type.Object({
  name: Type.String(),
  display_name: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  criticality: Criticality,
  tags: Type.Array(Type.String()),
  dependencies: Type.Array(Type.String()),
  links: Links,
  source: Type.Enum(['config', 'api'], { description: 'config: owned by the config file and read-only here.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const NameParams = Type.Object({ name: Type.String({ maxLength: 200 }) });
const ListQuery = Type.Object(
  {
    ...PaginationQuery,
    team: Type.Optional(Type.String({ maxLength: 100 })),
    tag: Type.Optional(Type.String({ maxLength: 100 })),
    criticality: Type.Optional(Criticality),
  },
  { additionalProperties: false },
);
const ServicePage = Type.Object({ items: Type.Array(ServiceResource), next_cursor: Type.Union([Type.String(), Type.Null()]) });

export function toServiceResource(service: Service): Static<typeof ServiceResource> {
  return {
    name: service.name,
    display_name: service.displayName,
    team: service.team,
    criticality: service.criticality,
    tags: service.tags,
    dependencies: service.dependencies,
    links: service.links,
    source: service.source,
    created_at: service.createdAt,
    updated_at: service.updatedAt,
  };
}

function toSpec(body: Static<typeof ServiceBody>): ServiceSpec {
  return {
    name: body.name,
    displayName: body.display_name ?? body.name,
    team: body.team ?? null,
    criticality: body.criticality ?? 'medium',
    tags: body.tags ?? [],
    dependencies: body.dependencies ?? [],
    links: body.links ?? {},
  };
}

function toPatch(body: Static<typeof ServicePatchBody>): ServicePatch {
  return {
    displayName: body.display_name,
    team: body.team,
    criticality: body.criticality,
    tags: body.tags,
    dependencies: body.dependencies,
    links: body.links,
  };
}

export function registerServiceRoutes(app: FastifyInstance, catalog: ServiceCatalog): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['services'];

  api.get('/api/v1/services', {
    schema: { tags, summary: 'List services', querystring: ListQuery, response: { 200: ServicePage } },
  }, async (request) => {
    const limit = request.query.limit ?? defaultPageSize;
    const rows = await catalog.list({
      limit: limit + 1,
      afterName: decodeCursor(request.query.cursor, 'string'),
      team: request.query.team,
      tag: request.query.tag,
      criticality: request.query.criticality,
    });
    const page = pageOf(rows, limit, (s) => s.name);
    return { items: page.items.map(toServiceResource), next_cursor: page.next_cursor };
  });

  api.post('/api/v1/services', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Create a service', body: ServiceBody, response: { 201: ServiceResource } },
  }, async (request, reply) => {
    const created = await catalog.create(toSpec(request.body), request.actor);
    return reply.code(201).header('location', `/api/v1/services/${created.name}`).send(toServiceResource(created));
  });

  api.get('/api/v1/services/:name', {
    schema: { tags, summary: 'Get a service', params: NameParams, response: { 200: ServiceResource } },
  }, async (request) => toServiceResource(await catalog.get(request.params.name)));

  api.patch('/api/v1/services/:name', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Change a service (fields given replace stored ones)', params: NameParams, body: ServicePatchBody, response: { 200: ServiceResource } },
  }, async (request) => toServiceResource(await catalog.update(request.params.name, toPatch(request.body), request.actor)));

  api.delete('/api/v1/services/:name', {
    config: { requiredRole: 'admin' },
    schema: { tags, summary: 'Delete a service', params: NameParams },
  }, async (request, reply) => {
    await catalog.delete(request.params.name, request.actor);
    return reply.code(204).send();
  });
}
