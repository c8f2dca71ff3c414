import type { RunningServer } from '../server.js';

/** Stops accepting connections, lets requests in flight finish, closes the store, exits (0, or 1 on an error while stopping). */
export function stopGracefully(server: RunningServer, reason: string): void {
  server.ctx.log?.info({ reason }, 'stopping: finishing requests in flight');
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      server.ctx.log?.error({ err: error }, 'error while stopping');
      process.exit(1);
    },
  );
}
