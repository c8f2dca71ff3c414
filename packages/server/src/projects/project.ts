import type { ProjectRow } from '../store/schema.js';

/** A project as the CLI and the services see it. */
export interface Project {
  id: string;
  name: string;
  rpId: string;
  rpName: string;
  origins: string[];
  tokenTtl: number;
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_TOKEN_TTL = 300;
export const MIN_TOKEN_TTL = 10;
/** The contract's ceiling for signedPasskeyData lifetimes; key retirement relies on it. */
export const MAX_TOKEN_TTL = 600;

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    rpId: row.rp_id,
    rpName: row.rp_name,
    origins: JSON.parse(row.origins) as string[],
    tokenTtl: row.token_ttl,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
