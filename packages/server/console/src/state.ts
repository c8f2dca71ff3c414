/** Who is signed in (null before login), shared by the views. */
export interface Me {
  email: string;
  role: 'owner' | 'viewer';
}

export const session: { me: Me | null } = { me: null };

export const when = (seconds: number | null | undefined): string => (seconds ? new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '—');

/** Navigate within the page (hash routes keep the server's single page simple). */
export const go = (route: string) => {
  location.hash = `#${route}`;
};
