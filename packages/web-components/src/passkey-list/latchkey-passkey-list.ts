import type { Failure, ListResult, Passkey } from '@latchkey/browser';
import { css, html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { PasskeyListCompleteDetail } from '../base/events.js';
import { LatchkeyElement } from '../base/latchkey-element.js';
import { baseStyles } from '../base/styles.js';
import { requestToken, type TokenProvider } from '../base/token-provider.js';
import { formatDate, labelProblem, passkeyName, providerName } from './format.js';

const LIST_STRINGS = {
  listLabel: 'Your passkeys',
  unnamed: 'Passkey',
  created: 'Created {date}',
  lastUsed: 'last used {date}',
  neverUsed: 'never used',
  synced: 'synced',
  deviceBound: 'this device only',
  transports: 'works over {list}',
  usb: 'USB',
  nfc: 'NFC',
  ble: 'Bluetooth',
  hybrid: 'phone (QR code)',
  internal: 'built-in',
  'smart-card': 'smart card',
  rename: 'Rename',
  renameLabel: 'Rename passkey {name}, created {time}',
  nameField: 'Passkey name',
  save: 'Save',
  cancel: 'Cancel',
  renaming: 'Renaming the passkey…',
  renamed: 'Passkey renamed.',
  invalidLabel: 'Use 1 to 64 characters, without line breaks or control characters.',
  delete: 'Delete',
  deleteLabel: 'Delete passkey from {name}, created {time}',
  deleteLabelUnnamed: 'Delete passkey created {time}',
  loading: 'Loading your passkeys…',
  empty: 'You have no passkeys yet.',
  deleting: 'Deleting the passkey…',
  deleted: 'Passkey deleted.',
  timeout: 'The passkey service did not answer in time. Try again.',
  networkError: 'The passkey service could not be reached. Check your connection and try again.',
  serverError: 'Something went wrong. Try again.',
};
export type PasskeyListStrings = typeof LIST_STRINGS;
/** The WebAuthn transports (AuthenticatorTransport) the list names; each is a string key above. */
const TRANSPORT_KEYS = ['usb', 'nfc', 'ble', 'hybrid', 'internal', 'smart-card'] as const;
type TransportKey = (typeof TRANSPORT_KEYS)[number];

/**
 * `<latchkey-passkey-list>`: the logged-in user's passkeys, each with its provider's icon and name,
 * its label, dates and whether it is synced, and rename and delete buttons. Set `tokenProvider`;
 * loading asks it for a `passkey-list` token, each rename for a `passkey-rename` token and each
 * delete for a `passkey-delete` token. Call `refresh()` to load again (e.g. after
 * `<latchkey-append>` completes). Icons come from the server's answer (data: URIs: the provider's,
 * else the server's generic key), never from this bundle; the dark one on a dark color scheme.
 *
 * - `latchkey-complete`: after a delete, `detail.deleted` is the passkey's id; after a rename,
 *   `detail.renamed` is the passkey as it is now.
 * - `latchkey-error`: `detail` is the Failure of a load or delete.
 */
export class LatchkeyPasskeyList extends LatchkeyElement<PasskeyListStrings> {
  static override properties: PropertyDeclarations = {
    ...LatchkeyElement.properties,
    tokenProvider: { attribute: false },
    passkeys: { state: true },
    editing: { state: true },
    labelError: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: var(--latchkey-gap, 0.5rem);
      }
      li {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--latchkey-gap, 0.5rem);
        padding: var(--latchkey-item-padding, 0.75rem);
        border: var(--latchkey-border-width, 1px) solid var(--latchkey-color-border, #767b84);
        border-radius: var(--latchkey-radius, 0.375rem);
        background: var(--latchkey-color-surface, #ffffff);
      }
      .details {
        flex: 1 1 12rem;
        display: grid;
      }
      .name {
        font-weight: 600;
      }
      .icon {
        width: 2rem;
        height: 2rem;
        flex: none;
      }
      .icon img {
        width: 100%;
        height: 100%;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: var(--latchkey-gap, 0.5rem);
        flex: 1 1 100%;
      }
      form input {
        flex: 1 1 10rem;
      }
      .error {
        flex: 1 1 100%;
        margin: 0;
        color: var(--latchkey-color-danger, #b3261e);
      }
      button.quiet {
        background: transparent;
        color: var(--latchkey-color-primary, #1f4fd1);
      }
      .meta {
        color: var(--latchkey-color-muted, #4a4f57);
        font-size: 0.9em;
      }
      button.delete {
        background: transparent;
        color: var(--latchkey-color-danger, #b3261e);
        border-color: currentColor;
      }
      .empty {
        margin: 0;
      }
    `,
  ];

  declare tokenProvider: TokenProvider | undefined;
  /** The passkeys on screen; undefined until the first load succeeded. */
  declare passkeys: Passkey[] | undefined;
  /** The id of the passkey whose name is being edited, if any. */
  declare protected editing: string | undefined;
  declare protected labelError: string;

  private loadedWith: TokenProvider | undefined;

  constructor() {
    super(LIST_STRINGS);
    this.passkeys = undefined;
    this.editing = undefined;
    this.labelError = '';
  }

  /** Loads on its own once it has a tokenProvider and a client (and again for a new tokenProvider). */
  protected override updated(changed: PropertyValues): void {
    if (!changed.has('tokenProvider') && !changed.has('baseUrl') && !changed.has('projectId') && !changed.has('latchkey')) return;
    if (this.tokenProvider && this.client() && this.tokenProvider !== this.loadedWith) void this.refresh();
  }

  protected override render() {
    const locale = this.closest('[lang]')?.getAttribute('lang') || undefined;
    return html`
      <section part="container" class="stack" aria-busy=${this.busy ? 'true' : 'false'} tabindex="-1">
        ${this.passkeys === undefined
          ? nothing
          : this.passkeys.length === 0
            ? html`<p part="empty" class="empty">${this.text('empty')}</p>`
            : html`<ul part="list" aria-label=${this.text('listLabel')}>
                ${this.passkeys.map((passkey) => this.renderItem(passkey, locale))}
              </ul>`}
        <p part="status" class="status" role="status" aria-live="polite" data-kind=${this.statusKind}>${this.statusText}</p>
      </section>
    `;
  }

  /** How the passkey reaches the browser ("works over USB, NFC"); transports this list cannot name are left out. */
  private transportsText(transports: readonly string[] | undefined): string {
    const named = (transports ?? []).filter((t): t is TransportKey => TRANSPORT_KEYS.includes(t as TransportKey)).map((t) => this.text(t));
    return named.length > 0 ? this.text('transports', { list: named.join(', ') }) : '';
  }

  private renderItem(passkey: Passkey, locale: string | undefined) {
    const name = passkeyName(passkey, this.text('unnamed'));
    const provider = providerName(passkey);
    const created = formatDate(passkey.createdAt, locale);
    // Spoken names must tell passkeys apart, so they carry the time as well as the date.
    const time = formatDate(passkey.createdAt, locale, true);
    const named = passkey.name || provider;
    const label = named ? this.text('deleteLabel', { name, time }) : this.text('deleteLabelUnnamed', { time });
    const meta = [
      ...(passkey.name && provider ? [provider] : []),
      this.text('created', { date: created }),
      passkey.lastUsedAt ? this.text('lastUsed', { date: formatDate(passkey.lastUsedAt, locale) }) : this.text('neverUsed'),
      passkey.deviceBound ?? !passkey.backupEligible ? this.text('deviceBound') : passkey.backedUp ?? passkey.backupState ? this.text('synced') : '',
      this.transportsText(passkey.transports),
    ].filter(Boolean).join(' · ');
    // `icon` is always in the answer (the provider's, else the server's generic one); the provider's
    // own fields are the fallback for a server from before `icon`.
    const light = passkey.icon?.light ?? passkey.provider?.iconLight;
    const dark = passkey.icon?.dark ?? passkey.provider?.iconDark;
    const icon = light || dark
      ? html`<picture part="icon" class="icon" data-icon-source=${passkey.icon?.source ?? 'dataSet'}>${dark && light ? html`<source media="(prefers-color-scheme: dark)" srcset=${dark} />` : nothing}<img src=${light || dark || ''} alt="" /></picture>`
      : nothing;
    const editing = this.editing === passkey.id;
    return html`<li part="item" data-passkey-id=${passkey.id}>
      ${icon}
      <span class="details"><span part="name" class="name">${name}</span><span part="meta" class="meta">${meta}</span></span>
      ${editing
        ? html`<form part="rename-form" @submit=${(event: Event) => this.submitRename(event, passkey)} @keydown=${(event: KeyboardEvent) => event.key === 'Escape' && this.stopEditing(passkey.id)}>
            <input part="name-input" name="name" .value=${passkey.name ?? named ?? ''} aria-label=${this.text('nameField')} maxlength="256"
              aria-invalid=${this.labelError ? 'true' : 'false'} aria-describedby="label-error" ?disabled=${this.busy} />
            <button part="save-button" type="submit" ?disabled=${this.busy}>${this.text('save')}</button>
            <button part="cancel-button" class="quiet" type="button" @click=${() => this.stopEditing(passkey.id)}>${this.text('cancel')}</button>
            <p id="label-error" class="error" part="label-error" role="alert">${this.labelError}</p>
          </form>`
        : html`<button part="rename-button" class="quiet rename" type="button" ?disabled=${this.busy} aria-label=${this.text('renameLabel', { name, time })} @click=${() => this.startEditing(passkey.id)}>
            ${this.text('rename')}
          </button>`}
      <button part="delete-button" class="delete" type="button" ?disabled=${this.busy} aria-label=${label} @click=${() => this.deletePasskey(passkey)}>
        ${this.text('delete')}
      </button>
    </li>`;
  }

  private async startEditing(id: string): Promise<void> {
    this.editing = id;
    this.labelError = '';
    await this.updateComplete;
    const input = this.renderRoot.querySelector<HTMLInputElement>('form input');
    input?.focus();
    input?.select();
  }

  /** Back to the passkey's Rename button, so keyboard users stay where they were. */
  private async stopEditing(id: string): Promise<void> {
    this.editing = undefined;
    this.labelError = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`li[data-passkey-id="${id}"] button.rename`)?.focus();
  }

  private async submitRename(event: Event, passkey: Passkey): Promise<void> {
    event.preventDefault();
    const client = this.client();
    const input = (event.currentTarget as HTMLFormElement).querySelector('input');
    if (this.busy || !client || !input) return;
    if (labelProblem(input.value)) {
      this.labelError = this.text('invalidLabel');
      input.focus();
      return;
    }
    this.busy = true;
    this.labelError = '';
    this.setStatus(this.text('renaming'));
    try {
      const token = await requestToken(this.tokenProvider, 'passkey-rename', this.localName);
      if (typeof token !== 'string') return void this.fail(token);
      const result = await client.renamePasskey(token, passkey.id, input.value, { signal: this.lifetime.signal });
      if (!result.ok) {
        if (result.code === 'invalid_label') {
          this.setStatus('');
          this.labelError = this.text('invalidLabel');
          return;
        }
        return void this.fail(result);
      }
      this.passkeys = (this.passkeys ?? []).map((p) => (p.id === passkey.id ? result.passkey : p));
      this.setStatus(this.text('renamed'), 'success');
      this.emit('latchkey-complete', { renamed: result.passkey });
    } finally {
      this.busy = false;
    }
    await this.stopEditing(passkey.id);
  }

  /** Load the list again with a fresh `passkey-list` token. Resolves to the SDK's result. */
  async refresh(): Promise<ListResult> {
    const client = this.client();
    if (!client) return this.fail(this.notConfigured());
    this.loadedWith = this.tokenProvider;
    this.busy = true;
    this.setStatus(this.text('loading'));
    try {
      const token = await requestToken(this.tokenProvider, 'passkey-list', this.localName);
      if (token === null) {
        // The app says Latchkey does not know this user yet: no passkeys, nothing went wrong.
        this.passkeys = [];
        this.setStatus('');
        return { ok: true, passkeys: [] };
      }
      if (typeof token !== 'string') return this.fail(token);
      const result = await client.listPasskeys(token, { signal: this.lifetime.signal });
      if (!result.ok) return this.fail(result);
      this.passkeys = result.passkeys;
      this.setStatus('');
      return result;
    } finally {
      this.busy = false;
    }
  }

  private async deletePasskey(passkey: Passkey): Promise<void> {
    const client = this.client();
    if (this.busy || !client) return;
    const index = this.passkeys?.indexOf(passkey) ?? -1;
    this.busy = true;
    this.setStatus(this.text('deleting'));
    try {
      const token = await requestToken(this.tokenProvider, 'passkey-delete', this.localName);
      if (typeof token !== 'string') return void this.fail(token);
      const result = await client.deletePasskey(token, passkey.id, { signal: this.lifetime.signal });
      if (!result.ok) return void this.fail(result);
      this.passkeys = (this.passkeys ?? []).filter((p) => p.id !== passkey.id);
      this.setStatus(this.text('deleted'), 'success');
      const detail: PasskeyListCompleteDetail = { deleted: passkey.id };
      this.emit('latchkey-complete', detail);
    } finally {
      this.busy = false;
    }
    // The focused button is gone: keep keyboard users in place (the next passkey, else the list).
    await this.updateComplete;
    const buttons = this.renderRoot.querySelectorAll<HTMLButtonElement>('button.delete');
    const next = buttons[Math.min(index, buttons.length - 1)];
    if (next) next.focus();
    else this.renderRoot.querySelector<HTMLElement>('section')?.focus();
  }

  private fail(failure: Failure): Failure {
    if (failure.reason === 'aborted') {
      this.setStatus('');
      return failure;
    }
    const key = failure.reason === 'timeout' || failure.reason === 'networkError' ? failure.reason : 'serverError';
    this.setStatus(this.text(key), 'error');
    this.emit('latchkey-error', failure);
    return failure;
  }
}
