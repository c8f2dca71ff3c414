import { expect } from 'vitest';
import type { Project } from '../../src/projects/project.js';

/**
 * Plain HTTP to a Latchkey server, as a browser and an app backend would speak it. Shared by the
 * in-process test servers, the CLI suite (a `latchkey serve` child process) and the benchmark.
 */

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestInit {
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is, instead of `body` as JSON. */
  raw?: string | Buffer;
}

export async function httpRequest<T = any>(baseUrl: string, method: string, path: string, init: RequestInit = {}): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | Buffer | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') && text !== '';
  return { status: response.status, body: (json ? JSON.parse(text) : text) as T, headers: response.headers };
}

export const basicAuth = (projectId: string, secret: string) => `Basic ${Buffer.from(`${projectId}:${secret}`).toString('base64')}`;

export interface TestProject {
  project: Project;
  secret: string;
  /** Frontend API call as a browser on `origin` (default: the project's first origin; null: none). */
  frontend<T = any>(path: string, body?: unknown, options?: { origin?: string | null; projectId?: string | null }): Promise<HttpAnswer<T>>;
  /** Backend API call with this project's Basic credentials (or the ones given). */
  backend<T = any>(method: string, path: string, body?: unknown, options?: { secret?: string; projectId?: string }): Promise<HttpAnswer<T>>;
}

export function projectClient(baseUrl: string, project: Project, secret: string): TestProject {
  return {
    project,
    secret,
    frontend: (path, body, opts = {}) => {
      const headers: Record<string, string> = {};
      const projectId = opts.projectId === undefined ? project.id : opts.projectId;
      if (projectId !== null) headers['x-project-id'] = projectId;
      const origin = opts.origin === undefined ? project.origins[0] : opts.origin;
      if (origin) headers.origin = origin;
      return httpRequest(baseUrl, 'POST', `/v2/connect${path}`, { body: body ?? {}, headers });
    },
    backend: (method, path, body, opts = {}) =>
      httpRequest(baseUrl, method, `/v2${path}`, {
        headers: { authorization: basicAuth(opts.projectId ?? project.id, opts.secret ?? secret) },
        ...(body !== undefined ? { body } : {}),
      }),
  };
}

/** The error shape every non-2xx answer has: {error: {code, message, requestId}}, id echoed in X-Request-ID. */
export function expectErrorShape(answer: HttpAnswer): void {
  expect(answer.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(answer.body).toEqual({
    error: { code: expect.stringMatching(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/), message: expect.any(String), requestId: expect.stringMatching(/^req_[0-9A-Za-z]+$/) },
  });
  expect(answer.body.error.message.length).toBeGreaterThan(0);
  expect(answer.headers.get('x-request-id')).toBe(answer.body.error.requestId);
}

/** This status and code, in the error shape. */
export function expectError(answer: HttpAnswer, status: number, code: string): void {
  if (answer.status !== status || answer.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  expectErrorShape(answer);
}
