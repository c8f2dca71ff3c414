import type { components } from '../generated/api-types.js';

/**
 * A fact only the browser sees, for the funnel report (see docs/adoption.md, "Events"): the
 * contract's ClientEvent, the body of `POST /v2/connect/events` (generated from the server's schema).
 * `reason` is at most 64 characters; `at` is the client's time (ms), informational.
 */
export type ClientEvent = components['schemas']['ClientEvent'];
