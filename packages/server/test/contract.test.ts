import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PATHS, contractFiles, REPO_ROOT } from '../scripts/contract/contract-files.js';
import { nameTitledSchemas } from '../src/http/openapi-named-schemas.js';
import { startTestServer, type TestServer } from './helpers/harness.js';
import { basicAuth } from './helpers/http-client.js';

type Operation = { operationId?: string; parameters?: Array<{ in: string; name: string }>; security?: Array<Record<string, string[]>>; requestBody?: unknown; responses: Record<string, unknown> };

/** Every operation of the document, with its method and path. */
function operationsOf(document: Record<string, any>): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries<Record<string, Operation>>(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method, path, operation })),
  );
}

/** The statuses a route must list, from what it is: the rules schemas/common.ts's errorResponses states. */
function requiredStatuses(path: string, operation: Operation): number[] {
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  const required = [400, 500, 503];
  if (operation.requestBody) required.push(413, 415);
  if (schemes.includes('basicAuth')) required.push(401, 429);
  if (schemes.includes('projectId')) required.push(403, 404, 429);
  if (path.endsWith('/origin-check')) required.push(403, 404, 429);
  if (path.endsWith('/jwks.json')) required.push(404);
  // A path parameter over the router's 100 characters: 414 uri_too_long (app.ts, frameworkErrors).
  if (path.includes('{')) required.push(414);
  return required;
}

describe('the API contract (contract/openapi.json and the SDKs’ generated types)', () => {
  let files: Record<string, string>;
  let document: Record<string, any>;
  let server: TestServer;

  beforeAll(async () => {
    files = await contractFiles();
    document = JSON.parse(files[CONTRACT_PATHS.document]!) as Record<string, any>;
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it.each(Object.values(CONTRACT_PATHS))('%s is what the route schemas produce today (run `npm run contract` when this fails)', async (path) => {
    const committed = await readFile(join(REPO_ROOT, path), 'utf8');
    expect(committed).toBe(files[path]);
  });

  it('the committed document is the one GET /openapi.json serves', async () => {
    const answer = await server.request('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(document);
  });

  it('every operation has an operationId, camelCase and unique', () => {
    const ids = operationsOf(document).map(({ method, path, operation }) => operation.operationId ?? `missing: ${method} ${path}`);
    expect(ids.length).toBeGreaterThanOrEqual(28);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every operation lists every status it can answer, each error in the error shape', () => {
    for (const { method, path, operation } of operationsOf(document)) {
      const listed = Object.keys(operation.responses).map(Number);
      for (const status of requiredStatuses(path, operation)) expect(listed, `${method} ${path} lacks ${status}`).toContain(status);
      for (const status of listed.filter((s) => s >= 400)) {
        expect((operation.responses[String(status)] as any).content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
      }
    }
    expect(Object.keys(document.paths['/readyz'].get.responses)).toEqual(expect.arrayContaining(['200', '503']));
  });

  it('the 414 the document promises is what the server answers for an over-long path parameter', async () => {
    const withParameters = operationsOf(document).filter(({ path }) => path.includes('{'));
    expect(withParameters.length).toBeGreaterThanOrEqual(7);
    for (const { method, path } of withParameters) {
      const answer = await server.request(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x'.repeat(101)), {
        headers: { authorization: basicAuth(server.main.project.id, server.main.secret) },
      });
      expect(answer.status, `${method} ${path}`).toBe(414);
      expect(answer.body.error.code).toBe('uri_too_long');
    }
  });

  it('no parameter is listed twice, and no header a security scheme carries is listed as a parameter', () => {
    const schemeHeaders = Object.values<any>(document.components.securitySchemes)
      .filter((scheme) => scheme.in === 'header')
      .map((scheme) => String(scheme.name).toLowerCase());
    expect(schemeHeaders).toContain('x-project-id');
    for (const { method, path, operation } of operationsOf(document)) {
      const parameters = (operation.parameters ?? []).map((p) => `${p.in}:${p.name.toLowerCase()}`);
      expect(new Set(parameters).size, `${method} ${path}`).toBe(parameters.length);
      for (const header of schemeHeaders) expect(parameters, `${method} ${path}`).not.toContain(`header:${header}`);
    }
    // The header is still required on the wire: the document leaves it to the security scheme.
    expect(document.paths['/v2/connect/login/init'].post.security).toEqual([{ projectId: [] }]);
  });

  it('shared wire shapes are named once under components/schemas', () => {
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining([
        'ErrorBody', 'ErrorCode', 'Passkey', 'User', 'PasskeyEvent', 'ConnectToken', 'ConnectTokenData', 'VerificationResult', 'VerifySignedDataResult',
        'AdoptionPolicy', 'AdoptionPolicyUpdate', 'ClientEvent', 'ClientEventType', 'BackendClientEvent',
      ]),
    );
    expect(document.paths['/v2/users/{userID}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/User' });
  });

  it('two different schemas under one title are refused, not silently merged', () => {
    const response = (schema: object) => ({ responses: { 200: { content: { 'application/json': { schema } } } } });
    const clash = { paths: { '/a': { get: response({ type: 'string', title: 'Thing' }) }, '/b': { get: response({ type: 'integer', title: 'Thing' }) } } };
    expect(() => nameTitledSchemas(clash)).toThrow('two different schemas are titled Thing');
  });
});
