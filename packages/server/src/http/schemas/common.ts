import { Type } from 'typebox';
import { ERROR_CODES } from '../../errors/error-codes.js';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum([...ERROR_CODES], { title: 'ErrorCode', description: 'stable snake_case code to switch on (docs/api.md, "Errors")' }),
      message: Type.String({ description: 'for humans; may change' }),
      requestId: Type.String(),
    }),
  },
  { title: 'ErrorBody', description: 'Every non-2xx answer has this shape' },
);

export const EmptyObject = Type.Object({}, { additionalProperties: false });

/** Loose object for WebAuthn option blobs: passed through unchanged. */
export const AnyObject = Type.Object({}, { additionalProperties: true });

/** What the page tells about its browser; kept with the process, so kept small (adoption/client-info.ts checks the size: 400 client_info_too_large). */
export const ClientInfo = Type.Object({}, { additionalProperties: true, description: 'at most 32 properties, 4 KiB as JSON' });

export const DecisionTags = Type.Array(Type.String(), { description: 'why the answer is what it is (docs/adoption.md lists every tag)' });

export const ProjectIdHeader = Type.Object({
  'x-project-id': Type.String({ description: 'The project, pro-…', examples: ['pro-7815296293940881620'] }),
});

export const PasskeyProvider = Type.Object(
  {
    name: Type.String(),
    iconLight: Type.Optional(Type.String({ description: 'data: URI (SVG or PNG) for light backgrounds' })),
    iconDark: Type.Optional(Type.String({ description: 'data: URI (SVG or PNG) for dark backgrounds' })),
  },
  { title: 'PasskeyProvider', description: 'who keeps the passkey, from its AAGUID (a data set shipped with the server)' },
);

export const PasskeyIcon = Type.Object(
  {
    light: Type.String({ description: 'data: URI for light backgrounds' }),
    dark: Type.String({ description: 'data: URI for dark backgrounds (the light one again when the source has one icon)' }),
    source: Type.Union([Type.Literal('dataSet'), Type.Literal('mds'), Type.Literal('generic')], {
      description: 'dataSet: the provider’s icon from the AAGUID data set built into the server; mds: the authenticator’s icon from the imported FIDO MDS3 BLOB; generic: Latchkey’s plain key icon (no provider icon known)',
    }),
  },
  { title: 'PasskeyIcon', description: 'the icon to show beside a passkey: always present; the provider’s when known, else a generic one' },
);

export const Passkey = Type.Object({
  id: Type.String({ description: 'cre-…' }),
  credentialId: Type.String({ description: 'WebAuthn credential id, base64url' }),
  aaguid: Type.String(),
  authenticatorName: Type.Optional(Type.String({ description: 'the provider’s name (= provider.name), when the AAGUID is known' })),
  provider: Type.Optional(PasskeyProvider),
  icon: PasskeyIcon,
  name: Type.Union([Type.String(), Type.Null()], { description: 'the label the user gave the passkey (rename), or null' }),
  backupEligible: Type.Boolean(),
  backupState: Type.Boolean(),
  backedUp: Type.Boolean({ description: 'the passkey is synced now (= backupState)' }),
  deviceBound: Type.Boolean({ description: 'the passkey can never leave its authenticator (= !backupEligible)' }),
  transports: Type.Array(Type.String()),
  createdAt: Type.Integer(),
  lastUsedAt: Type.Union([Type.Integer(), Type.Null()]),
  userAgent: Type.Optional(Type.String()),
}, { title: 'Passkey' });

/** A passkey label as a request carries it; passkeyLabel() checks the rest (400 invalid_label). */
export const PasskeyLabel = Type.String({ description: '1–64 characters after trimming, no control characters' });

export const CredentialSignals = Type.Object(
  {
    rpId: Type.String(),
    userHandle: Type.String({ description: 'the WebAuthn user handle, base64url (the webauthnId’s UTF-8 bytes)' }),
    name: Type.String({ description: 'the user’s identifier (user.name of the passkey)' }),
    displayName: Type.String(),
    acceptedCredentialIds: Type.Optional(Type.Array(Type.String(), { description: 'every passkey of the user Latchkey accepts, base64url' })),
  },
  {
    title: 'CredentialSignals',
    description: 'for the WebAuthn Signal API: the browser SDK calls signalCurrentUserDetails with the names and, where listed, signalAllAcceptedCredentials',
  },
);

const b64url = (description: string) => Type.String({ maxLength: 16384, pattern: '^[A-Za-z0-9_-]*$', description });

export const RegistrationResponseJSON = Type.Object(
  {
    id: b64url('credential id'),
    rawId: b64url('credential id'),
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: b64url('clientDataJSON'),
        attestationObject: b64url('attestationObject'),
        transports: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
        authenticatorData: Type.Optional(b64url('authenticatorData')),
        publicKey: Type.Optional(b64url('SPKI public key')),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
      },
      { additionalProperties: true },
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    clientExtensionResults: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true, description: 'PublicKeyCredential.toJSON() of navigator.credentials.create()' },
);

export const AuthenticationResponseJSON = Type.Object(
  {
    id: b64url('credential id'),
    rawId: b64url('credential id'),
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: b64url('clientDataJSON'),
        authenticatorData: b64url('authenticatorData'),
        signature: b64url('signature'),
        userHandle: Type.Optional(Type.Union([b64url('user handle'), Type.Null()])),
      },
      { additionalProperties: true },
    ),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
    clientExtensionResults: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true, description: 'PublicKeyCredential.toJSON() of navigator.credentials.get()' },
);

/**
 * What any route may answer, whatever it does: a malformed URL (400 invalid_url), a fault of ours
 * (500), and 503 while shutting down or while the store is unreachable.
 */
const ANY_ROUTE_ERRORS = [400, 500, 503];

/**
 * The error answers of one route, for the OpenAPI document: the statuses given plus those any
 * route may answer. A route reading a JSON body lists 413 and 415, a rate-limited one 429, a Backend
 * API route 401 (test/contract.test.ts checks each route against these rules).
 */
export const errorResponses = (...statuses: number[]): Record<number, typeof ErrorBody> =>
  Object.fromEntries([...new Set([...ANY_ROUTE_ERRORS, ...statuses])].sort((a, b) => a - b).map((s) => [s, ErrorBody]));
