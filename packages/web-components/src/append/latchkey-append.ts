import type { AppendOffer, AppendResult, Failure } from '@latchkey/browser';
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { AppendCompleteDetail, AppendOfferDetail } from '../base/events.js';
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
  notAllowed: 'Passkeys are not available for your account right now.',
  timeout: 'The passkey service did not answer in time. Try again.',
  networkError: 'The passkey service could not be reached. Check your connection and try again.',
  serverError: 'The passkey could not be created. Try again.',
  offerTitle: 'Sign in faster with a passkey',
  offerText: 'Next time, use your fingerprint, face or screen lock instead of your password.',
  accept: 'Add a passkey',
  decline: 'Not now',
  upgraded: 'A passkey was added to your account. Next time, sign in with it.',
};
export type AppendStrings = typeof APPEND_STRINGS;

type OfferState = 'asking' | 'shown' | 'hidden';

/**
 * `<latchkey-append>`: adds a passkey for the logged-in user. Set `tokenProvider`; it is asked for
 * a `passkey-append` connect token per attempt.
 *
 * - Without `offer`: a button. A click adds a passkey (only the project's hard refusals stop it).
 * - With `offer` (after a password login): asks Latchkey whether to offer a passkey now and shows
 *   an offer card ("Add a passkey" / "Not now") only when it says so; "Not now" backs off for this
 *   user on this device. Where the project allows it and the browser can, it first tries an
 *   automatic upgrade (conditional create) without any dialog.
 *
 * - `latchkey-offer`: the decision (`detail.offer`, `detail.decisionTags`, …), in offer mode.
 * - `latchkey-complete`: `detail.passkey` is the new passkey (`detail.conditional` for an upgrade).
 * - `latchkey-dismiss`: the user said "Not now" (`detail.nextOfferAt`).
 * - `latchkey-error`: `detail` is the Failure (`cancelled`, `passkeyExists`, `notAllowed`, …).
 */
export class LatchkeyAppend extends LatchkeyElement<AppendStrings> {
  static override properties: PropertyDeclarations = {
    ...LatchkeyElement.properties,
    tokenProvider: { attribute: false },
    offer: { type: Boolean },
    offerState: { state: true },
    refused: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      .card {
        padding: var(--latchkey-item-padding, 1rem);
        border: var(--latchkey-border-width, 1px) solid var(--latchkey-color-border, #767b84);
        border-radius: var(--latchkey-radius, 0.375rem);
        background: var(--latchkey-color-surface, #ffffff);
      }
      h2 {
        margin: 0;
        font-size: 1.1em;
      }
      p {
        margin: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--latchkey-gap, 0.5rem);
      }
      button.secondary {
        background: transparent;
        color: var(--latchkey-color-primary, #1f4fd1);
      }
    `,
  ];

  declare tokenProvider: TokenProvider | undefined;
  /** Offer mode: ask Latchkey, offer only when it says so (see the class comment). */
  declare offer: boolean;
  declare private offerState: OfferState;
  /** The project refuses appends here: no button. */
  declare private refused: boolean;

  private pending: AppendOffer | undefined;
  /** Ends a pending automatic upgrade when the user acts on the offer. */
  private upgrade: AbortController | undefined;
  private asked = false;

  constructor() {
    super(APPEND_STRINGS);
    this.offer = false;
    this.offerState = 'hidden';
    this.refused = false;
  }

  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('button')?.focus(options);
  }

  /** Offer mode asks once, as soon as the element is configured and has its tokenProvider. */
  protected override updated(): void {
    if (this.offer && !this.asked && this.client() && this.tokenProvider) {
      this.asked = true;
      void this.askOffer();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.upgrade?.abort();
  }

  protected override render() {
    const status = html`<p part="status" class="status" id="status" role="status" aria-live="polite" data-kind=${this.statusKind}>${this.statusText}</p>`;
    if (this.offer) {
      return html`
        ${this.offerState === 'shown'
          ? html`<section part="offer" class="card stack" aria-labelledby="offer-title" aria-busy=${this.busy ? 'true' : 'false'}>
              <h2 id="offer-title" part="offer-title">${this.text('offerTitle')}</h2>
              <p part="offer-text">${this.text('offerText')}</p>
              <div class="actions">
                <button part="button accept" type="button" ?disabled=${this.busy} aria-describedby="status" @click=${this.appendPasskey}>${this.text('accept')}</button>
                <button part="decline" class="secondary" type="button" ?disabled=${this.busy} @click=${this.dismiss}>${this.text('decline')}</button>
              </div>
            </section>`
          : nothing}
        ${status}
      `;
    }
    return html`
      <div part="container" class="stack" aria-busy=${this.busy ? 'true' : 'false'}>
        ${this.refused ? nothing : html`<div><button part="button" type="button" ?disabled=${this.busy} aria-describedby="status" @click=${this.appendPasskey}>${this.text('button')}</button></div>`}
        ${status}
      </div>
    `;
  }

  /** Ask Latchkey whether to offer a passkey now (offer mode); called once, by itself. */
  private async askOffer(): Promise<void> {
    this.offerState = 'asking';
    const client = this.client()!;
    const token = await requestToken(this.tokenProvider, 'passkey-append', this.localName);
    if (typeof token !== 'string') return this.closeOffer(token);
    const answer = await client.offerAppend(token, { signal: this.lifetime.signal });
    if (!answer.ok) return this.closeOffer(answer);
    this.pending = answer;
    const { offer, decisionTags, conditionalCreate, nextOfferAt } = answer;
    const detail: AppendOfferDetail = { offer, decisionTags, conditionalCreate, nextOfferAt };
    this.dispatchEvent(new CustomEvent('latchkey-offer', { detail, bubbles: true, composed: true }));
    this.offerState = offer ? 'shown' : 'hidden';
    if (conditionalCreate) void this.autoUpgrade(answer);
  }

  /** Conditional create: no dialog; only the passkey's creation is announced, nothing else. */
  private async autoUpgrade(offer: AppendOffer): Promise<void> {
    this.upgrade = new AbortController();
    const result = await offer.accept({ conditional: true, signal: this.upgrade.signal });
    this.upgrade = undefined;
    if (result.ok) this.done(result, true);
  }

  private closeOffer(failure: Failure): void {
    this.offerState = 'hidden';
    if (failure.reason !== 'aborted') this.emit('latchkey-error', failure);
  }

  /** Run the append, as a click does. Resolves when it is over (the events tell how it went). */
  async appendPasskey(): Promise<void> {
    if (this.busy) return;
    const client = this.client();
    if (!client) return this.fail(this.notConfigured());
    this.busy = true;
    this.setStatus(this.text('working'));
    try {
      let result: AppendResult;
      const offer = this.pending;
      this.pending = undefined;
      if (offer && !this.upgrade) {
        // The offer's own process carries on: no second token, no second init.
        result = await offer.accept({ signal: this.lifetime.signal });
      } else {
        // A pending automatic upgrade holds the offer's process and the browser's request: end it,
        // and append afresh.
        this.upgrade?.abort();
        const token = await requestToken(this.tokenProvider, 'passkey-append', this.localName);
        if (typeof token !== 'string') return this.fail(token);
        result = await client.appendPasskey(token, { signal: this.lifetime.signal });
      }
      if (!result.ok) return this.fail(result);
      this.done(result, false);
    } finally {
      this.busy = false;
    }
  }

  /** "Not now": Latchkey backs off for this user on this device; the card goes away. */
  async dismiss(): Promise<void> {
    const offer = this.pending;
    this.pending = undefined;
    this.upgrade?.abort();
    this.offerState = 'hidden';
    this.setStatus('');
    const result = offer ? await offer.dismiss() : { ok: true as const, nextOfferAt: null };
    if (!result.ok) return this.fail(result);
    this.dispatchEvent(new CustomEvent('latchkey-dismiss', { detail: { nextOfferAt: result.nextOfferAt }, bubbles: true, composed: true }));
  }

  private done(result: AppendResult & { ok: true }, conditional: boolean): void {
    this.offerState = 'hidden';
    this.setStatus(this.text(conditional ? 'upgraded' : 'success'), 'success');
    const detail: AppendCompleteDetail = { passkey: result.passkey, ...(conditional ? { conditional } : {}) };
    this.emit('latchkey-complete', detail);
  }

  private fail(failure: Failure): void {
    if (failure.reason === 'aborted') {
      this.setStatus('');
      return;
    }
    if (failure.reason === 'notAllowed') {
      this.refused = true;
      this.offerState = 'hidden';
    }
    const key = failure.reason === 'noPasskey' ? 'serverError' : failure.reason;
    this.setStatus(this.text(key), failure.reason === 'cancelled' ? 'info' : 'error');
    this.emit('latchkey-error', failure);
  }
}
