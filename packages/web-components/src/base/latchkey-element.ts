import { createLatchkey, type Failure, type Latchkey } from '@latchkey/browser';
import { LitElement, type PropertyDeclarations } from 'lit';

export type StatusKind = 'info' | 'success' | 'error';

/**
 * What the three elements share: configuration (`base-url` + `project-id`, or a `latchkey`
 * instance), the busy flag and status line, overridable strings, and events that bubble out of
 * any shadow root.
 */
export class LatchkeyElement<Strings extends Record<string, string>> extends LitElement {
  static override properties: PropertyDeclarations = {
    baseUrl: { type: String, attribute: 'base-url' },
    projectId: { type: String, attribute: 'project-id' },
    initTimeoutMs: { type: Number, attribute: 'init-timeout-ms' },
    latchkey: { attribute: false },
    strings: { attribute: false },
    busy: { state: true },
    statusText: { state: true },
    statusKind: { state: true },
  };

  declare baseUrl: string | undefined;
  declare projectId: string | undefined;
  /**
   * The SDK's `initTimeoutMs`: how long a login may wait for Latchkey before the passkey dialog
   * before it falls back with `timeout`. Default 3000 ms. Ignored with a `latchkey` instance.
   */
  declare initTimeoutMs: number | undefined;
  /** A `createLatchkey()` instance; takes precedence over `base-url` / `project-id`. */
  declare latchkey: Latchkey | undefined;
  /** Overrides for the element's texts (for translation); see the docs for the keys. */
  declare strings: Partial<Strings>;
  declare protected busy: boolean;
  declare protected statusText: string;
  declare protected statusKind: StatusKind;

  /** Aborted when the element leaves the page: ends its ceremony or request in progress. */
  protected lifetime = new AbortController();
  private cachedClient: { key: string; client: Latchkey } | undefined;

  constructor(private readonly defaults: Strings) {
    super();
    this.strings = {};
    this.busy = false;
    this.statusText = '';
    this.statusKind = 'info';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.lifetime.signal.aborted) this.lifetime = new AbortController();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.lifetime.abort();
  }

  protected text(key: keyof Strings & string, values: Record<string, string> = {}): string {
    const template = this.strings[key] ?? this.defaults[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  }

  /** The SDK client, or undefined while the element is not configured yet. */
  protected client(): Latchkey | undefined {
    if (this.latchkey) return this.latchkey;
    if (!this.baseUrl || !this.projectId) return undefined;
    // A budget that is not a positive number (a typo in the attribute) keeps the SDK's default.
    const initTimeoutMs = this.initTimeoutMs !== undefined && Number.isFinite(this.initTimeoutMs) && this.initTimeoutMs > 0 ? this.initTimeoutMs : undefined;
    const key = `${this.baseUrl}\n${this.projectId}\n${initTimeoutMs ?? ''}`;
    if (this.cachedClient?.key !== key) {
      this.cachedClient = { key, client: createLatchkey({ baseUrl: this.baseUrl, projectId: this.projectId, ...(initTimeoutMs === undefined ? {} : { initTimeoutMs }) }) };
    }
    return this.cachedClient.client;
  }

  protected notConfigured(): Failure {
    return { ok: false, reason: 'unsupported', code: 'not_configured', message: `<${this.localName}> needs base-url and project-id attributes, or a latchkey property` };
  }

  protected setStatus(text: string, kind: StatusKind = 'info'): void {
    this.statusText = text;
    this.statusKind = kind;
  }

  /**
   * Puts the page's own words in the element's status line (a polite live region), e.g. when the
   * app's backend refused a login the element reported complete, or to clear it with `''`.
   */
  announce(text: string, kind: StatusKind = 'info'): void {
    this.setStatus(text, kind);
  }

  protected emit<T>(name: 'latchkey-complete' | 'latchkey-fallback' | 'latchkey-error', detail: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

/** Strip what only the SDK's caller needs (`ok`), keep everything else for the event detail. */
export function withoutOk<T extends { ok: boolean }>(result: T): Omit<T, 'ok'> {
  const { ok: _ok, ...rest } = result;
  return rest;
}
