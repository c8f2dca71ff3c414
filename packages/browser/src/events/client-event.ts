/** A fact only the browser sees, for the funnel report (see docs/adoption.md, "Events"). */
export interface ClientEvent {
  type:
    | 'offer-shown'
    | 'offer-declined'
    | 'append-started'
    | 'append-completed'
    | 'login-started'
    | 'login-completed'
    | 'cancelled'
    | 'fallback'
    | 'conditional-create'
    | 'error'
    | 'password-login';
  processId?: string;
  deviceId?: string;
  osFamily?: string;
  browserFamily?: string;
  /** Fallback reason, error type or cancelled step; at most 64 characters. */
  reason?: string;
  method?: 'identifier' | 'conditional-ui' | 'one-tap' | 'password';
  /** For `conditional-create`. */
  result?: 'created' | 'failed' | 'unsupported';
  /** Client time (ms); informational, the server uses its own. */
  at?: number;
}
