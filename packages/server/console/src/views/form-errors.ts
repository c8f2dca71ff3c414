import { html } from 'lit';
import type { ConsoleApiError } from '../api.js';

export type FormErrors = Partial<Record<'name' | 'rpId' | 'origins' | 'tokenTtl' | 'form', string>>;

/** The server's error, next to the field it is about (the contract's codes name the field). */
export function formErrors(error: ConsoleApiError): FormErrors {
  const code = error.code ?? '';
  if (code.includes('origin')) return { origins: error.message };
  if (code.includes('rp_id')) return { rpId: error.message };
  if (code.includes('ttl')) return { tokenTtl: error.message };
  if (code.includes('name')) return { name: error.message };
  return { form: error.message };
}

export const fieldError = (id: string, message: string | undefined) => html`<p id=${id} class="error field-error" role="alert">${message ?? ''}</p>`;
