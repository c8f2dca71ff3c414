import type { Session } from '../sessions/find-session.js';
import { html, type SafeHtml } from './html.js';

export interface LayoutInput {
  title: string;
  session?: Session | undefined;
  body: SafeHtml;
  /** Module scripts of this page (the web components bundle first, where the page uses it). */
  scripts?: string[];
}

export function layout({ title, session, body, scripts = [] }: LayoutInput): string {
  const nav = session
    ? html`<span class="who">Logged in as <strong>${session.account.displayName}</strong></span>
        <a href="/account">Account</a>
        <form method="post" action="/logout" class="inline"><button type="submit" class="link">Log out</button></form>`
    : html`<a href="/login">Log in</a> <a href="/signup" class="button small">Sign up</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title} · Acorn</title>
  <link rel="stylesheet" href="/style.css">
  ${scripts.map((src) => html`<script type="module" src="${src}"></script>`)}
</head>
<body>
  <a class="skip" href="#main">Skip to content</a>
  <header class="site">
    <a href="/" class="brand"><svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22"><path fill="#7a4b1e" d="M4 9c0-3 3.6-5 8-5s8 2 8 5v1H4z"/><path fill="#c98a3e" d="M5 11h14c0 5-3 9-7 10-4-1-7-5-7-10z"/><path fill="#7a4b1e" d="M11 1h2v3h-2z"/></svg> Acorn</a>
    <nav aria-label="Account">${nav}</nav>
  </header>
  <main id="main" tabindex="-1">
${body}
  </main>
  <footer class="site">
    <p>Acorn is a demo app. It keeps its own accounts, passwords and sessions;
    Latchkey adds passkeys on top.</p>
  </footer>
</body>
</html>
`.value;
}
