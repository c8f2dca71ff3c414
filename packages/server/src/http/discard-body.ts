import type { IncomingMessage } from 'node:http';

/**
 * Most bytes of an oversize body read and thrown away so that the client can read our 413.
 * A client (fetch, curl, a proxy) that is still uploading when the server answers and closes gets
 * EPIPE or ECONNRESET instead of the answer; reading the rest first lets it finish its upload and
 * then read the 413. Beyond this bound the connection is closed without waiting: a client sending
 * more is not one we owe an answer to. The request timeout bounds the time it may take.
 */
export const DISCARD_LIMIT = 16 * 1024 * 1024;

/** Resolves once the rest of the request body has arrived (and been dropped), or `limit` bytes more did (false then). */
export function discardBody(raw: IncomingMessage, limit = DISCARD_LIMIT): Promise<boolean> {
  if (raw.complete || raw.destroyed) return Promise.resolve(raw.complete);
  return new Promise((resolve) => {
    let discarded = 0;
    const finish = (complete: boolean) => {
      raw.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      if (!complete) raw.pause();
      resolve(complete);
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limit) finish(false);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(raw.complete);
    raw.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
    raw.resume();
  });
}
