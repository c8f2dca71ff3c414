import { deviceId } from '../client-info/device-id.js';
import { platformFamily } from '../client-info/platform-family.js';
import type { Config } from '../types.js';
import type { FrontendRequest } from '../http/frontend-operations.js';
import type { ClientEvent } from './client-event.js';

/** The route takes 1–20 events per request. */
const MAX_BATCH = 20;
/** Events of one moment (a fallback and the error before it) go in one request. */
const BATCH_DELAY_MS = 50;
/** A page that cannot reach Latchkey must not grow a queue for ever. */
const MAX_QUEUED = 200;

export interface EventQueue {
  report(events: ClientEvent[]): void;
  flush(): Promise<void>;
}

/**
 * Batched, best-effort delivery of client events: queued, sent together shortly after, with
 * `keepalive` so a batch survives the page navigating away (a login usually ends in a redirect), and
 * flushed when the page is hidden. Never throws and never rejects: analytics must not break a login.
 */
export function createEventQueue(config: Config): EventQueue {
  let queue: ClientEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const send = async (batch: ClientEvent[]): Promise<void> => {
    try {
      // Read at once, not awaited: a flush when the page is hidden (it is navigating away) must
      // start its keepalive request before this turn ends, or the page goes and the batch with it.
      const id = deviceId();
      const common = { ...(id === undefined ? {} : { deviceId: id }), ...platformFamily() };
      const body: FrontendRequest<'/events'> = { events: batch.map((event) => ({ ...common, ...event })) };
      await config.fetch(`${config.baseUrl}/v2/connect/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-project-id': config.projectId },
        body: JSON.stringify(body),
        credentials: 'omit',
        keepalive: true,
      });
    } catch {
      // Lost analytics, never a failed login.
    }
  };

  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batches: ClientEvent[][] = [];
    for (let i = 0; i < queue.length; i += MAX_BATCH) batches.push(queue.slice(i, i + MAX_BATCH));
    queue = [];
    inFlight = Promise.all([inFlight, ...batches.map(send)]).then(() => undefined);
    return inFlight;
  };

  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void flush();
    });
  }

  return {
    report(events) {
      try {
        const now = Date.now();
        for (const event of events) {
          if (event && typeof event.type === 'string' && queue.length < MAX_QUEUED) {
            queue.push({ ...event, ...(event.reason === undefined ? {} : { reason: String(event.reason).slice(0, 64) }), at: event.at ?? now });
          }
        }
        if (queue.length >= MAX_BATCH) void flush();
        else if (queue.length > 0 && timer === undefined) timer = setTimeout(() => void flush(), BATCH_DELAY_MS);
      } catch {
        // Never throws.
      }
    },
    flush,
  };
}
