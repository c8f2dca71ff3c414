import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between a Latchkey server and PostgreSQL, so that a test can take the database away
 * and bring it back for one server without touching the PostgreSQL that other tests use.
 * - `cut()`: drops every relayed connection and stops listening (the database is gone: refused).
 * - `stall()`: keeps every connection open and accepts new ones, but relays nothing either way
 *   (the database hangs).
 * - `restore()`: relays again on the same port (the database is back; connections that hung are
 *   dropped, as their half-delivered messages cannot be resumed).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private stalled = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  /** `url` with its host and port pointed at this relay. */
  urlFor(url: string): string {
    const relayed = new URL(url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(this.port);
    return relayed.toString();
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  async stall(): Promise<void> {
    this.stalled = true;
    if (!this.server) await this.listen();
  }

  async restore(): Promise<void> {
    if (this.server && !this.stalled) return; // already relaying: keep the live connections
    await this.cut();
    this.stalled = false;
    await this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => client.destroy());
      if (this.stalled) return; // accepted, never answered
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      // Not pipe(): while stalled, bytes are swallowed in both directions, as by a hung server.
      client.on('data', (chunk) => this.stalled || upstream.write(chunk));
      upstream.on('data', (chunk) => this.stalled || client.write(chunk));
    });
    this.server = server;
    return new Promise((done, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        done();
      });
    });
  }
}
