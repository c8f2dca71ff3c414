/** The parts of an MDS3 BLOB entry (FIDO Metadata Service §3.1.1) that Latchkey reads. */
export interface MdsEntry {
  aaguid?: string;
  /** U2F authenticators: hex SHA-1 key identifiers of their attestation certificates. */
  attestationCertificateKeyIdentifiers?: string[];
  metadataStatement?: {
    description?: string;
    /** Base64 DER certificates (not PEM), as MDS3 carries them. */
    attestationRootCertificates?: string[];
    [key: string]: unknown;
  };
  statusReports?: Array<{ status: string; effectiveDate?: string }>;
  [key: string]: unknown;
}

/**
 * Status reports that make an authenticator unacceptable: it was revoked, or its user
 * verification, attestation key or user keys are known to be compromised.
 */
export const REFUSED_STATUSES = [
  'REVOKED',
  'USER_VERIFICATION_BYPASS',
  'ATTESTATION_KEY_COMPROMISE',
  'USER_KEY_REMOTE_COMPROMISE',
  'USER_KEY_PHYSICAL_COMPROMISE',
] as const;

/** The keys an entry is stored under: its AAGUID, and `key:<hex>` for each U2F key identifier. */
export function mdsEntryKeys(entry: MdsEntry): string[] {
  const keys: string[] = [];
  if (typeof entry.aaguid === 'string') keys.push(entry.aaguid.toLowerCase());
  for (const id of entry.attestationCertificateKeyIdentifiers ?? []) if (typeof id === 'string') keys.push(`key:${id.toLowerCase()}`);
  return keys;
}
