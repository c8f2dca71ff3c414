import type { Failure } from '@latchkey/browser';
import { html, type PropertyDeclarations } from 'lit';
import type { AppendCompleteDetail } from '../base/events.js';
import { LatchkeyElement } from '../base/latchkey-element.js';
import { baseStyles } from '../base/styles.js';
import { requestToken, type TokenProvider } from '../base/token-provider.js';

const APPEND_STRINGS = {
  button: 'Create a passkey',
  working: 'Creating your passkey…',
  success: 'Passkey created. Next time, sign in with it.',
  cancelled: 'Passkey creation was cancelled.',
  passkeyExists: 'This device already has a passkey for your account.',
  unsupported: 'Passkeys cannot be created in this browser.',
  timeout: 'The passkey service did not answer in time. Try again.',
  networkError: 'The passkey service could not be reached. Check your connection and try again.',
  serverError: 'The passkey could not be created. Try again.',
};
export type AppendStrings = typeof APPEND_STRINGS;

/**
 * `<latchkey-append>`: a button that adds a passkey for the logged-in user. Set `tokenProvider`;
 * each click asks it for a `passkey-append` connect token.
 *
 * - `latchkey-complete`: `detail.passkey` is the new passkey.
 * - `latchkey-error`: `detail` is the Failure (`cancelled`, `passkeyExists`, …).
 */
export class LatchkeyAppend extends LatchkeyElement<AppendStrings> {
  static override properties: PropertyDeclarations = {
    ...LatchkeyElement.properties,
    tokenProvider: { attribute: false },
  };

  static override styles = baseStyles;

  declare tokenProvider: TokenProvider | undefined;


  constructor() {
    super(APPEND_STRINGS);
  }

  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('button')?.focus(options);
  }

  protected override render() {
    return html`
      <div part="container" class="stack" aria-busy=${this.busy ? 'true' : 'false'}>
        <div><button part="button" type="button" ?disabled=${this.busy} aria-describedby="status" @click=${this.appendPasskey}>${this.text('button')}</button></div>
        <p part="status" class="status" id="status" role="status" aria-live="polite" data-kind=${this.statusKind}>${this.statusText}</p>
      </div>
    `;
  }

  /** Run the append, as a click does. Resolves when it is over (the events tell how it went). */
  async appendPasskey(): Promise<void> {
    if (this.busy) return;
    const client = this.client();
    if (!client) return this.fail(this.notConfigured());
    this.busy = true;
    this.setStatus(this.text('working'));
    try {
      const token = await requestToken(this.tokenProvider, 'passkey-append', this.localName);
      if (typeof token !== 'string') return this.fail(token);
      const result = await client.appendPasskey(token, { signal: this.lifetime.signal });
      if (!result.ok) return this.fail(result);
      this.setStatus(this.text('success'), 'success');
      const detail: AppendCompleteDetail = { passkey: result.passkey };
      this.emit('latchkey-complete', detail);
    } finally {
      this.busy = false;
    }
  }

  private fail(failure: Failure): void {
    if (failure.reason === 'aborted') {
      this.setStatus('');
      return;
    }
    const key = failure.reason === 'noPasskey' ? 'serverError' : failure.reason;
    this.setStatus(this.text(key), failure.reason === 'cancelled' ? 'info' : 'error');
    this.emit('latchkey-error', failure);
  }
}
