import { connect, type Socket } from 'node:net';

/** A raw TCP connection to a test server, for what fetch cannot do: send a request slowly, or not at all. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent, as text. */
  received(): string;
  /** Resolves once the server has closed the connection (or reset it). */
  closed: Promise<void>;
}

export async function openRawConnection(baseUrl: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  // A reset after the server's answer is still the server closing the connection.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => text, closed };
}

/**
 * Writes `chunks` one every `everyMs` for as long as the connection stays open (a slowloris
 * client): nothing here ever ends the trickle but the server closing the connection.
 */
export function trickle(connection: RawConnection, nextChunk: (index: number) => string, everyMs: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (connection.socket.destroyed || !connection.socket.writable) return;
    connection.socket.write(nextChunk(index++));
  }, everyMs);
  void connection.closed.then(() => clearInterval(timer));
}
