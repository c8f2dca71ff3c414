import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago: nothing listens there (a "server is down" URL), or
 * a port to put in a project's origins before the app that will use it starts. Another process may
 * take it in between; callers that listen on it retry on EADDRINUSE.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
