import { fallbackReason, type Failure, type FallbackReason, type LastAccount, type Latchkey, type LoginResult } from '@latchkey/browser';
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { LatchkeyFallbackDetail } from '../base/events.js';
import { LatchkeyElement, withoutOk } from '../base/latchkey-element.js';
import { baseStyles } from '../base/styles.js';

const LOGIN_STRINGS = {
  label: 'Email or username',
  button: 'Sign in with a passkey',
  identifierMissing: 'Enter your email or username.',
  working: 'Signing in with your passkey…',
  // The passkey ceremony is done, but only the app's backend decides (verifySignedData): the page
  // reports that answer with announce() when it is not a success.
  success: 'Passkey accepted. Signing you in…',
  noPasskey: 'There is no passkey for this account on record.',
  cancelled: 'Passkey sign-in was cancelled.',
  unsupported: 'Passkeys cannot be used in this browser.',
  timeout: 'The passkey service did not answer in time. Sign in another way.',
  unavailable: 'Passkey sign-in is not available right now. Sign in another way.',
  misconfigured: 'Passkey sign-in is not set up for this page. Sign in another way.',
  notAllowed: 'Passkey sign-in is not available here. Sign in another way.',
  continueAs: 'Continue as {identifier}',
  notYou: 'Not you?',
  serverError: 'Passkey sign-in failed. Try again.',
  unknownCredential: 'That passkey is no longer valid for this site. Choose another or type your email or username.',
};
export type LoginStrings = typeof LOGIN_STRINGS;

/** Fallbacks caused by Latchkey itself: not reported to it as client events. */
const UNREPORTED: ReadonlySet<FallbackReason> = new Set<FallbackReason>(['timeout', 'unavailable', 'misconfigured']);

/**
 * `<latchkey-login>`: an identifier field that offers passkeys in autofill, and a button for
 * identifier-first passkey login.
 *
 * - `latchkey-complete`: logged in; `detail` is the login result (`signedPasskeyData`, …).
 * - `latchkey-fallback`: no passkey login now; show your own login form, prefilled with
 *   `detail.identifier`. `detail.reason`: `noPasskey`, `cancelled`, `unsupported`, `timeout`,
 *   `unavailable` (Latchkey down, 5xx, rate limited) or `misconfigured` (Latchkey refused this page).
 *   Fired whenever Latchkey cannot help, including by autofill when the page loads: a login page
 *   must never depend on Latchkey being up.
 * - `latchkey-error`: what the page must know about (`detail` is the Failure): a `misconfigured`
 *   fallback (its message names what to change, e.g. the refused origin and the command that allows
 *   it), and failures of this ceremony the user can retry (a passkey the server no longer knows).
 */
export class LatchkeyLogin extends LatchkeyElement<LoginStrings> {
  static override properties: PropertyDeclarations = {
    ...LatchkeyElement.properties,
    identifier: { type: String },
    normalizeIdentifier: { attribute: false },
    noAutofill: { type: Boolean, attribute: 'no-autofill' },
    invalid: { state: true },
    passkeysOff: { state: true },
    oneTapAccount: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: var(--latchkey-gap, 0.5rem);
      }
      input {
        flex: 1 1 14rem;
        min-width: 0;
      }
      button.link {
        background: transparent;
        border-color: transparent;
        color: var(--latchkey-color-primary, #1f4fd1);
        text-decoration: underline;
      }
    `,
  ];

  /** The field's value; set it to prefill. */
  declare identifier: string;
  /**
   * Applied to what the user typed before the passkey lookup, when the app normalises its
   * identifiers (e.g. `(v) => v.trim().toLowerCase()` for e-mail addresses). Latchkey matches
   * identifiers exactly.
   */
  declare normalizeIdentifier: ((value: string) => string) | undefined;
  /** Do not start passkey autofill (Conditional UI) on this field. */
  declare noAutofill: boolean;
  declare private invalid: boolean;
  /** Latchkey's policy says no passkey login here: no field, no button, no prompt. */
  declare private passkeysOff: boolean;
  /** One-tap: the account this device remembers ("Continue as …"), when the project allows it. */
  declare private oneTapAccount: LastAccount | null;
  /** The client whose decision was asked for (once per configuration). */
  private decidedClient: Latchkey | undefined;
  /**
   * The detail of the last `latchkey-fallback`, until the next login or autofill starts. A page
   * whose script attaches its listener after the element has already given up (an external script
   * that loads after a Latchkey that refuses connections at once) reads it to catch up.
   */
  lastFallback: LatchkeyFallbackDetail | undefined;

  private autofillController: AbortController | undefined;
  private autofillClient: Latchkey | undefined;
  /** Whether focusing the field may start autofill again (see onFocus). */
  private autofillResumable = false;

  constructor() {
    super(LOGIN_STRINGS);
    this.identifier = '';
    this.noAutofill = false;
    this.invalid = false;
    this.passkeysOff = false;
    this.oneTapAccount = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a move in the DOM: resume autofill (first connection starts in updated()).
    if (this.hasUpdated) this.startAutofill();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopAutofill();
  }

  /**
   * Once per configuration (the first time the element has a client, and again when base-url,
   * project-id or latchkey change) it asks Latchkey whether passkey login is on here, then starts
   * autofill. Never on any other update: a request that fails at once (server unreachable) would
   * otherwise restart itself in a loop.
   */
  protected override updated(): void {
    const client = this.client();
    if (client && client !== this.decidedClient) {
      this.decidedClient = client;
      this.stopAutofill();
      void this.decide(client);
    } else if (this.noAutofill) {
      this.stopAutofill();
    }
  }

  /**
   * The decision obeyed: policy says no (kill switch, rollout, platform) → no passkey control at
   * all and `latchkey-fallback` with `notAllowed` and the tags; Latchkey unreachable or refusing
   * the page → the fallback for that. Its login/init is the one autofill then uses.
   */
  private async decide(client: Latchkey): Promise<void> {
    const decision = await client.loginDecision({ signal: this.lifetime.signal });
    if (client !== this.decidedClient) return;
    if (!decision.ok) {
      if (decision.reason !== 'aborted') this.onAutofillResult(decision);
      return;
    }
    this.passkeysOff = !decision.loginAllowed;
    if (this.passkeysOff) {
      const failure: Failure = { ok: false, reason: 'notAllowed', message: `passkey login is off here (${decision.decisionTags.join(', ')})`, decisionTags: decision.decisionTags };
      this.fallBack('notAllowed', this.identifier, failure);
      return;
    }
    this.oneTapAccount = decision.lastAccount;
    this.startAutofill();
  }

  /** The identifier field inside the shadow root (for focus management by the page). */
  get input(): HTMLInputElement | null {
    return this.renderRoot.querySelector('input');
  }

  override focus(options?: FocusOptions): void {
    this.input?.focus(options);
  }

  protected override render() {
    const status = html`<p part="status" class="status" id="status" role="status" aria-live="polite" data-kind=${this.statusKind}>${this.statusText}</p>`;
    if (this.passkeysOff) return status;
    const account = this.oneTapAccount;
    return html`
      ${account
        ? html`<div part="one-tap" class="row">
            <button part="button one-tap-button" type="button" ?disabled=${this.busy} @click=${() => this.run(account.identifier, 'one-tap')}>
              ${this.text('continueAs', { identifier: account.identifier })}
            </button>
            <button part="not-you" class="link" type="button" ?disabled=${this.busy} @click=${this.notYou}>${this.text('notYou')}</button>
          </div>`
        : nothing}
      <form part="form" class="stack" novalidate aria-busy=${this.busy ? 'true' : 'false'} @submit=${this.onSubmit}>
        <label part="label" for="identifier">${this.text('label')}</label>
        <div class="row">
          <input
            part="input"
            id="identifier"
            name="username"
            type="text"
            autocomplete="username webauthn"
            autocapitalize="none"
            spellcheck="false"
            required
            aria-describedby="status"
            aria-invalid=${this.invalid ? 'true' : 'false'}
            ?readonly=${this.busy}
            .value=${this.identifier}
            @input=${this.onInput}
            @focus=${this.onFocus}
          />
          <button part="button" type="submit" ?disabled=${this.busy}>${this.text('button')}</button>
        </div>
        <p part="status" class="status" id="status" role="status" aria-live="polite" data-kind=${this.statusKind}>${this.statusText}</p>
      </form>
    `;
  }

  private onInput(event: Event): void {
    this.identifier = (event.target as HTMLInputElement).value;
    if (this.invalid && this.identifier.trim() !== '') {
      this.invalid = false;
      this.setStatus('');
    }
  }

  /**
   * Coming back to the field resumes autofill after the user ended it (cancelled the prompt, or
   * submitted). Not after a network or server failure: each focus would be another failed request.
   */
  private onFocus(): void {
    if (this.autofillResumable) this.startAutofill();
  }

  /** "Not you?": forget the remembered account on this device and go back to the field. */
  private notYou(): void {
    this.client()?.forgetLastAccount();
    this.oneTapAccount = null;
    void this.updateComplete.then(() => this.focus());
  }

  private startAutofill(): void {
    if (this.noAutofill || this.passkeysOff || this.busy || this.autofillController || !this.isConnected) return;
    const client = this.client();
    if (!client) return;
    const controller = new AbortController();
    this.autofillController = controller;
    this.autofillClient = client;
    this.autofillResumable = false;
    this.lastFallback = undefined;
    void client.autofill({ signal: controller.signal }).then((result) => {
      if (this.autofillController === controller) this.autofillController = undefined;
      this.onAutofillResult(result);
    });
  }

  private stopAutofill(): void {
    this.autofillController?.abort();
    this.autofillController = undefined;
  }

  private onAutofillResult(result: LoginResult): void {
    if (result.ok) {
      this.identifier = result.identifier;
      this.setStatus(this.text('success'));
      this.emit('latchkey-complete', withoutOk(result));
      return;
    }
    // aborted: we (or a login) ended it. unsupported: no autofill here. cancelled: the user closed
    // the passkey prompt and knows it. None of these needs a word; the field works as before.
    if (result.reason === 'aborted' || result.reason === 'cancelled') {
      this.autofillResumable = true;
      return;
    }
    if (result.reason === 'unsupported') return;
    // Latchkey is down, slow or refuses this page: say so now, while the page loads, so that it
    // shows its own login at once instead of after the user has typed and waited. The field is never
    // busy for autofill, so it stays usable whatever happens here.
    const reason = fallbackReason(result);
    if (reason) {
      this.fallBack(reason, this.identifier, result);
      return;
    }
    this.showFailure(result);
    this.emit('latchkey-error', result);
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const identifier = this.normalizeIdentifier ? this.normalizeIdentifier(this.identifier) : this.identifier;
    if (identifier.trim() === '') {
      this.invalid = true;
      this.setStatus(this.text('identifierMissing'), 'error');
      this.focus();
      return;
    }
    await this.run(identifier, 'identifier');
  }

  /** Identifier-first login, typed or one-tap ("Continue as …"). */
  private async run(identifier: string, method: 'identifier' | 'one-tap'): Promise<void> {
    if (this.busy) return;
    const client = this.client();
    if (!client) {
      this.fallBack('misconfigured', identifier, this.notConfigured());
      return;
    }
    this.stopAutofill();
    this.lastFallback = undefined;
    this.busy = true;
    this.setStatus(this.text('working'));
    const result = await client.login({ identifier, method, signal: this.lifetime.signal });
    this.busy = false;
    this.autofillResumable = true;
    if (result.ok) {
      this.setStatus(this.text('success'));
      this.emit('latchkey-complete', withoutOk(result));
      return;
    }
    if (result.reason === 'aborted') {
      // Only our own lifetime signal aborts a login: the element left the page.
      this.setStatus('');
      return;
    }
    const reason = fallbackReason(result);
    if (reason) {
      this.fallBack(reason, identifier, result);
      return;
    }
    this.showFailure(result);
    this.emit('latchkey-error', result);
  }

  /** Hand over to the page's own login; a misconfiguration is reported as an error too. */
  private fallBack(reason: FallbackReason, identifier: string, failure: Failure): void {
    this.setStatus(this.text(reason), reason === 'cancelled' ? 'info' : 'error');
    // Policy says no (also when it changed after the page loaded): no passkey control from now on.
    if (reason === 'notAllowed') {
      this.passkeysOff = true;
      this.stopAutofill();
    }
    const detail: LatchkeyFallbackDetail = { reason, identifier, message: failure.message };
    if (failure.code !== undefined) detail.code = failure.code;
    if (failure.requestId !== undefined) detail.requestId = failure.requestId;
    if (failure.decisionTags !== undefined) detail.decisionTags = failure.decisionTags;
    this.lastFallback = detail;
    this.emit('latchkey-fallback', detail);
    // For the funnel report: why passkeys did not carry this login. Not when Latchkey itself is the
    // reason (down, slow, refusing this page): it would not hear it, or should not get more load.
    if (!UNREPORTED.has(reason)) this.client()?.reportEvents([{ type: 'fallback', reason }]);
    // Someone has to change a setting: the page hears about it as an error too.
    if (reason === 'misconfigured') this.emit('latchkey-error', failure);
  }

  private showFailure(failure: Failure): void {
    this.setStatus(this.text(failure.code === 'unknown_credential' ? 'unknownCredential' : 'serverError'), 'error');
  }
}
