import type { Project } from '../projects/project.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project a Frontend API request names, or the Backend API caller authenticated as. */
    project?: Project;
    /** The Backend API secret the caller authenticated with (its id, sec-…). */
    apiSecretId?: string;
  }
}

/** The request's project; routes only run behind the hook that sets it. */
export function projectOf(request: { project?: Project }): Project {
  if (!request.project) throw new Error('route registered without a project hook');
  return request.project;
}
