import { html, render } from 'lit';
import { api, plainApi, setCsrfToken, whenReauthRequired, whenSessionEnds } from './api.js';
import { passkeyLogin } from './passkey.js';
import { currentRoute, type Route } from './router.js';
import { session, type Me } from './state.js';
import { applyStoredTheme, currentTheme, toggleTheme } from './theme.js';
import { adminsView, enterAdmins } from './views/admins.js';
import { enterHealth, healthView } from './views/health.js';
import { inviteView } from './views/invite.js';
import { loginView } from './views/login.js';
import { enterProject, projectView } from './views/project.js';
import { enterProjects, projectsView } from './views/projects.js';
import './styles.css';

const root = document.getElementById('app')!;
let route: Route = currentRoute();

/** Back to the passkey login, and afterwards to the page the administrator was on. */
function toLogin(): void {
  const here = location.hash.replace(/^#/, '');
  session.me = null;
  if (!here.startsWith('/login')) location.hash = `#/login?next=${encodeURIComponent(here || '/projects')}`;
}
whenSessionEnds(toLogin);

// A destructive action asks for the passkey again; the browser's passkey prompt is the confirmation.
whenReauthRequired(async () => {
  const answer = await plainApi<{ reauthUntil: number }>('POST', '/session/reauth', { signedPasskeyData: await passkeyLogin(session.me!.email) });
  void answer;
});

const signOut = async () => {
  await api('DELETE', '/session').catch(() => undefined);
  session.me = null;
  location.hash = '#/login';
};

function shell(content: unknown) {
  const me = session.me;
  const onProjects = route.name === 'projects' || route.name === 'project';
  return html`
    <header class="top">
      <a class="brand" href="#/projects">Latchkey console</a>
      ${me
        ? html`<nav aria-label="Main">
            <a href="#/projects" aria-current=${onProjects ? 'page' : 'false'}>Projects</a>
            <a href="#/health" aria-current=${route.name === 'health' ? 'page' : 'false'}>Health</a>
            <a href="#/admins" aria-current=${route.name === 'admins' ? 'page' : 'false'}>Administrators</a>
          </nav>`
        : ''}
      <div class="who">
        <button type="button" class="secondary small" @click=${() => { toggleTheme(); draw(); }} aria-label="Switch to ${currentTheme() === 'dark' ? 'light' : 'dark'} theme">${currentTheme() === 'dark' ? 'Light theme' : 'Dark theme'}</button>
        ${me ? html`<span class="muted small">${me.email} (${me.role})</span><button type="button" class="secondary small" @click=${signOut}>Sign out</button>` : ''}
      </div>
    </header>
    <main id="main" tabindex="-1">${content}</main>
  `;
}

function draw(): void {
  const content =
    route.name === 'login'
      ? loginView(route.query.get('next') ?? '/projects', draw)
      : route.name === 'invite'
        ? inviteView(route.params.token!, draw)
        : route.name === 'health'
          ? healthView()
          : route.name === 'admins'
            ? adminsView(draw)
            : route.name === 'project'
              ? projectView(route.params.tab!, draw)
              : projectsView(draw);
  render(shell(content), root);
}

async function enter(): Promise<void> {
  route = currentRoute();
  draw();
  if (route.name === 'login' || route.name === 'invite') return;
  if (!session.me) {
    try {
      const answer = await plainApi<{ admin: Me; csrfToken: string }>('GET', '/session');
      session.me = answer.admin;
      setCsrfToken(answer.csrfToken);
    } catch {
      toLogin();
      return;
    }
  }
  if (route.name === 'health') await enterHealth(draw);
  else if (route.name === 'admins') await enterAdmins(draw);
  else if (route.name === 'project') await enterProject(route.params.projectId!, route.params.tab!, route.query, draw);
  else await enterProjects(draw);
  draw();
}

applyStoredTheme();
// The toggle's label follows the theme, whoever changed it.
window.addEventListener('latchkey-theme', () => draw());
window.addEventListener('hashchange', () => {
  void enter().then(() => document.getElementById('main')?.focus({ preventScroll: true }));
});
void enter();
