/** Hash routes: #/projects, #/projects/<id>/<tab>, #/health, #/admins, #/login?next=…, #/invite/<token>. */
export interface Route {
  name: 'login' | 'invite' | 'projects' | 'project' | 'health' | 'admins';
  params: Record<string, string>;
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = location.hash.replace(/^#/, '') || '/projects';
  const [path = '', search = ''] = raw.split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'login') return { name: 'login', params: {}, query };
  if (parts[0] === 'invite' && parts[1]) return { name: 'invite', params: { token: parts[1] }, query };
  if (parts[0] === 'health') return { name: 'health', params: {}, query };
  if (parts[0] === 'admins') return { name: 'admins', params: {}, query };
  if (parts[0] === 'projects' && parts[1]) return { name: 'project', params: { projectId: parts[1], tab: parts[2] ?? 'settings' }, query };
  return { name: 'projects', params: {}, query };
}
