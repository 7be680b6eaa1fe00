import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storeKinds, type TestApp } from '../support/test-app.js';

interface Problem {
  type: string;
  status: number;
  detail: string;
  request_id: string;
  errors?: Array<{ field: string; message: string }>;
}

describe.each(storeKinds)('bad input on %s: clear 4xx, process keeps running, nothing stored is lost', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    const seeded = await t.request('/api/v1/services', { method: 'POST', token: t.tokens.admin, json: { name: 'keeper', team: 'core' } });
    expect(seeded.status).toBe(201);
  });
  afterAll(async () => {
    // Whatever was thrown at it, the stored service is still there, unchanged.
    const kept = await t.request('/api/v1/services/keeper');
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ name: 'keeper', team: 'core' });
    await t.close();
  });

  const post = (body: string, contentType = 'application/json') =>
    t.request('/api/v1/services', { method: 'POST', token: t.tokens.admin, body, headers: { 'content-type': contentType } });

  async function expectProblem(response: Response, status: number): Promise<Problem> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as Problem;
    expect(problem.status).toBe(status);
    expect(problem.request_id).toBe(response.headers.get('x-request-id'));
    return problem;
  }

  it.each([
    ['a bad enum value', { name: 'x1', criticality: 'urgent' }, 'criticality', 'must be one of critical, high, medium, low'],
    ['an unknown key', { name: 'x2', owner: 'me' }, 'owner', "unknown key 'owner'"],
    ['a missing name', { team: 'a' }, 'name', 'is required'],
    ['a wrong type', { name: 'x3', tags: 'a,b' }, 'tags', 'must be a list, got "a,b"'],
    ['a name that is not a slug', { name: 'Not A Slug' }, 'name', 'must be a lower-case slug (letters, digits, dashes)'],
    ['a nested unknown key', { name: 'x4', links: { wiki: 'https://x' } }, 'links.wiki', "unknown key 'wiki'"],
    ['a link that is not a URL', { name: 'x5', links: { repo: 'ftp://files.example.com/x' } }, 'links.repo', 'must be an http or https URL'],
  ])('names the field for %s', async (_case, body, field, message) => {
    const problem = await expectProblem(await post(JSON.stringify(body)), 400);
    const error = problem.errors?.find((e) => e.field === field);
    expect(error, JSON.stringify(problem)).toBeDefined();
    expect(error?.message).toContain(message);
    expect(problem.detail).toContain(field);
  });

  it('answers invalid JSON with 400', async () => {
    const problem = await expectProblem(await post('{"name": "broken",'), 400);
    expect(problem.detail).toMatch(/not valid JSON/);
  });

  it('answers an empty JSON body with 400', async () => {
    await expectProblem(await post(''), 400);
  });

  it('answers a wrong content type with 415', async () => {
    const problem = await expectProblem(await post('name=x', 'application/x-www-form-urlencoded'), 415);
    expect(problem.detail).toContain('application/json');
  });

  it('answers a body over 1 MiB with 413', async () => {
    const huge = JSON.stringify({ name: 'huge', display_name: 'x'.repeat(1024 * 1024 + 10) });
    const problem = await expectProblem(await post(huge), 413);
    expect(problem.detail).toContain('1048576');
  });

  it('answers unknown routes with a 404 problem', async () => {
    const problem = await expectProblem(await t.request('/api/v1/nothing-here'), 404);
    expect(problem.detail).toContain('/api/v1/nothing-here');
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['criticality=urgent', 'criticality'],
    ['cursor=garbage', 'cursor'],
    ['bogus=1', 'bogus'],
  ])('names the query field for ?%s', async (query, field) => {
    const problem = await expectProblem(await t.request(`/api/v1/services?${query}`), 400);
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it('echoes a caller-supplied request id', async () => {
    const response = await t.request('/api/v1/services/nope', { headers: { 'x-request-id': 'trace-abc-123' } });
    const problem = await expectProblem(response, 404);
    expect(problem.request_id).toBe('trace-abc-123');
  });

  it('keeps serving after all of the above', async () => {
    expect((await t.request('/health/live')).status).toBe(200);
  });
});
