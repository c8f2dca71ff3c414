import { Type, type Static } from 'typebox';

export const CLIENT_EVENT_TYPES = [
  'offer-shown',
  'offer-declined',
  'append-started',
  'append-completed',
  'login-started',
  'login-completed',
  'cancelled',
  'fallback',
  'conditional-create',
  'error',
  'password-login',
] as const;

const short = (maxLength: number) => Type.String({ maxLength });
const fields = {
  type: Type.Enum([...CLIENT_EVENT_TYPES], { title: 'ClientEventType' }),
  processId: Type.Optional(short(64)),
  deviceId: Type.Optional(short(64)),
  osFamily: Type.Optional(short(32)),
  browserFamily: Type.Optional(short(32)),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'fallback reason, error type or cancelled step' })),
  method: Type.Optional(Type.Enum(['identifier', 'conditional-ui', 'one-tap', 'password'])),
  result: Type.Optional(Type.Enum(['created', 'failed', 'unsupported'])),
  at: Type.Optional(Type.Number({ description: 'client time, informational; the server’s time is recorded' })),
};

/** What a page may report (no identifier: a browser's word about who logged in is not recorded). */
export const FrontendClientEvent = Type.Object(fields, { additionalProperties: false, title: 'ClientEvent' });
/** What the app's backend may report: also the identifier of a password login (stored only hashed). */
export const BackendClientEvent = Type.Object({ ...fields, identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }, { additionalProperties: false, title: 'BackendClientEvent' });

export const eventBatch = <T extends typeof FrontendClientEvent | typeof BackendClientEvent>(event: T) =>
  Type.Object({ events: Type.Array(event, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false });

export type ClientEvent = Static<typeof BackendClientEvent>;

/** A batch of at most 20 events is far smaller than this; anything bigger is not a real client. */
export const EVENTS_BODY_LIMIT = 16 * 1024;
