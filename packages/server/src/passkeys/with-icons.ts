import { mdsIconFor } from '../attestation/mds-icon-for.js';
import type { Ctx } from '../context.js';
import type { Passkey } from './passkey.js';

/**
 * Passkeys as the API answers them, icons resolved: toPasskey() gave each the AAGUID data set's
 * icon (`source: dataSet`) or the generic one; where it is generic, the imported FIDO MDS3 BLOB's
 * icon for that AAGUID takes its place when there is one (`source: mds`; attestation/mds-icon-for.ts:
 * base64 data:image URIs only, cached). MDS gives one icon, so it serves for light and dark, and it
 * also fills `provider.iconLight` / `iconDark` of a provider the data set names without icons.
 */
export async function withIcons(ctx: Ctx, passkeys: Passkey[]): Promise<Passkey[]> {
  return Promise.all(
    passkeys.map(async (passkey) => {
      if (passkey.icon.source !== 'generic') return passkey;
      const icon = await mdsIconFor(ctx, passkey.aaguid);
      if (!icon) return passkey;
      return {
        ...passkey,
        icon: { light: icon, dark: icon, source: 'mds' as const },
        ...(passkey.provider ? { provider: { ...passkey.provider, iconLight: icon, iconDark: icon } } : {}),
      };
    }),
  );
}
