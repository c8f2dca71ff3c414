import { css } from 'lit';

/**
 * Shared look. Every colour, size and font comes from a `--latchkey-*` custom property with a
 * sober default, so a page themes all three elements at once from any ancestor (custom properties
 * inherit through shadow roots); `::part()` reaches the rest.
 */
export const baseStyles = css`
  :host {
    display: block;
    font-family: var(--latchkey-font-family, inherit);
    font-size: var(--latchkey-font-size, inherit);
    color: var(--latchkey-color-text, inherit);
  }
  :host([hidden]) {
    display: none;
  }
  .stack {
    display: grid;
    gap: var(--latchkey-gap, 0.5rem);
  }
  label {
    font-weight: var(--latchkey-label-font-weight, 600);
  }
  input {
    font: inherit;
    color: inherit;
    padding: var(--latchkey-input-padding, 0.5rem 0.75rem);
    border: var(--latchkey-border-width, 1px) solid var(--latchkey-color-border, #767b84);
    border-radius: var(--latchkey-radius, 0.375rem);
    background: var(--latchkey-color-surface, #ffffff);
  }
  input[aria-invalid='true'] {
    border-color: var(--latchkey-color-danger, #b3261e);
  }
  button {
    font: inherit;
    font-weight: 600;
    padding: var(--latchkey-button-padding, 0.5rem 1rem);
    border: var(--latchkey-border-width, 1px) solid var(--latchkey-color-primary, #1f4fd1);
    border-radius: var(--latchkey-radius, 0.375rem);
    background: var(--latchkey-color-primary, #1f4fd1);
    color: var(--latchkey-color-on-primary, #ffffff);
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  /* Always visible for keyboard users, whatever the page's own reset does. */
  :focus-visible {
    outline: var(--latchkey-focus-ring-width, 3px) solid var(--latchkey-focus-ring-color, #1f4fd1);
    outline-offset: var(--latchkey-focus-ring-offset, 2px);
  }
  .status {
    margin: 0;
    min-height: 1.4em;
    color: var(--latchkey-color-muted, #4a4f57);
  }
  .status[data-kind='error'] {
    color: var(--latchkey-color-danger, #b3261e);
  }
  .status[data-kind='success'] {
    color: var(--latchkey-color-success, #1e6b34);
  }
`;
