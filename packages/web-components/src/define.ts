import { LatchkeyAppend } from './append/latchkey-append.js';
import { LatchkeyLogin } from './login/latchkey-login.js';
import { LatchkeyPasskeyList } from './passkey-list/latchkey-passkey-list.js';

/**
 * Register the three elements. Safe to run twice (say, the npm package and the standalone bundle
 * on one page): a name already taken is left alone.
 */
export function defineLatchkeyElements(): void {
  for (const [name, element] of [
    ['latchkey-login', LatchkeyLogin],
    ['latchkey-append', LatchkeyAppend],
    ['latchkey-passkey-list', LatchkeyPasskeyList],
  ] as const) {
    if (!customElements.get(name)) customElements.define(name, element);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'latchkey-login': LatchkeyLogin;
    'latchkey-append': LatchkeyAppend;
    'latchkey-passkey-list': LatchkeyPasskeyList;
  }
}
