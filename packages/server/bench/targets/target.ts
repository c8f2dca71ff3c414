import type { SoftAuthenticator } from '@latchkey/testkit';
import type { JsonClient } from '../lib/http.js';

/** A running server the load driver can log in to and verify against: Latchkey or the baseline. */
export interface Target {
  name: string;
  url: string;
  /** The server's root process; its CPU and RSS include every descendant (cluster workers). */
  pid: number;
  projectId: string;
  secret: string;
  origin: string;
  /** Registers a passkey for `identifier` (set-up, never timed). */
  register(client: JsonClient, authenticator: SoftAuthenticator, identifier: string): Promise<void>;
  stop(): Promise<void>;
  /** The database server's processes working for this target (PostgreSQL backends), if any. */
  storePids?: () => number[];
}

export const RP_ID = 'localhost';
export const ORIGIN = 'http://localhost:3000';
/** The longest lifetime Latchkey allows: tokens issued early in a section are still fresh at its end. */
export const TOKEN_TTL = 600;
