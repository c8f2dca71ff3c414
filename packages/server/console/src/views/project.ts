import { html, type TemplateResult } from 'lit';
import { api } from '../api.js';
import { chartsTab, enterCharts } from './tab-charts.js';
import { enterEvents, eventsTab } from './tab-events.js';
import { enterKeys, keysTab } from './tab-keys.js';
import { enterSecrets, secretsTab } from './tab-secrets.js';
import { enterSettings, settingsTab } from './tab-settings.js';
import { enterUsers, usersTab } from './tab-users.js';

export interface ProjectInfo {
  id: string;
  name: string;
  rpId: string;
  origins: string[];
  tokenTtl: number;
}

const TABS = [
  ['settings', 'Settings'],
  ['secrets', 'API secrets'],
  ['keys', 'Signing keys'],
  ['users', 'Users'],
  ['events', 'Events'],
  ['charts', 'Charts'],
] as const;

let project: ProjectInfo | null = null;
let loadError = '';

export async function enterProject(projectId: string, tab: string, query: URLSearchParams, rerender: () => void): Promise<void> {
  try {
    if (project?.id !== projectId) project = null;
    project = (await api<{ project: ProjectInfo }>('GET', `/projects/${projectId}`)).project;
    loadError = '';
  } catch (error) {
    loadError = (error as Error).message;
  }
  rerender();
  if (!project) return;
  const enter: Record<string, () => Promise<void>> = {
    settings: () => enterSettings(project!, rerender),
    secrets: () => enterSecrets(projectId, rerender),
    keys: () => enterKeys(projectId, rerender),
    users: () => enterUsers(projectId, query, rerender),
    events: () => enterEvents(projectId, query, rerender),
    charts: () => enterCharts(projectId, rerender),
  };
  await enter[tab]?.();
}

export function projectView(tab: string, rerender: () => void): TemplateResult {
  if (!project) return html`<p class="error" role="alert">${loadError}</p>${loadError ? html`<p><a href="#/projects">Back to projects</a></p>` : html`<p aria-busy="true">Loading…</p>`}`;
  const body: Record<string, () => TemplateResult> = {
    settings: () => settingsTab(rerender),
    secrets: () => secretsTab(project!.id, rerender),
    keys: () => keysTab(project!.id, rerender),
    users: () => usersTab(project!.id, rerender),
    events: () => eventsTab(project!.id, rerender),
    charts: () => chartsTab(),
  };
  return html`
    <p class="crumbs"><a href="#/projects">Projects</a> / <code>${project.id}</code></p>
    <h1>${project.name}</h1>
    <nav class="tabs" aria-label="Project sections">
      ${TABS.map(([id, label]) => html`<a href="#/projects/${project!.id}/${id}" aria-current=${tab === id ? 'page' : 'false'}>${label}</a>`)}
    </nav>
    ${(body[tab] ?? body.settings!)()}
  `;
}
