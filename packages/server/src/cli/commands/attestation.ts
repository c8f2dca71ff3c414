import type { Command } from 'commander';
import { ATTESTATION_MODES, readAttestationPolicy, type AttestationPolicy } from '../../attestation/attestation-policy.js';
import { withStore } from '../cli-context.js';
import { emit } from '../output.js';
import { collect, projectId } from './parse.js';

const describe = (projectId: string, p: AttestationPolicy): string =>
  [`project      ${projectId}`, `attestation  ${p.mode}`, ...(p.aaguids.length > 0 ? [`aaguids      ${p.aaguids.join(', ')}`] : [])].join('\n');

/** `latchkey attestation show|set --project ID`: beside `latchkey policy`, the other per-project policy. */
export function attestationCommands(program: Command): void {
  const attestation = program.command('attestation').description('show and set a project’s attestation policy: which authenticators may hold its passkeys');

  attestation
    .command('show')
    .description('show the attestation policy')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; json?: boolean }) => {
      const { getProject } = await import('../../projects/get-project.js');
      const policy = await withStore(async (ctx) => {
        await getProject(ctx, opts.project);
        return readAttestationPolicy(ctx, opts.project);
      });
      emit(opts.json, { projectId: opts.project, attestation: policy }, () => describe(opts.project, policy));
    });

  attestation
    .command('set')
    .description('replace the attestation policy (applies to passkeys appended from now on); audited as attestation-policy-changed')
    .requiredOption('--project <id>', 'project id (pro-…)', projectId)
    .requiredOption('--policy <policy>', `${ATTESTATION_MODES.join(' | ')}: none accepts any authenticator; allow/deny take --aaguid; mds needs \`latchkey mds import\``)
    .option('--aaguid <uuid>', 'an authenticator model’s AAGUID for allow or deny (repeatable)', collect)
    .option('--json', 'print one JSON object')
    .action(async (opts: { project: string; policy: string; aaguid?: string[]; json?: boolean }) => {
      const { setAttestationPolicy } = await import('../../attestation/set-attestation-policy.js');
      const policy = await withStore((ctx) => setAttestationPolicy(ctx, opts.project, { mode: opts.policy, aaguids: opts.aaguid ?? [] }, 'cli'));
      emit(opts.json, { projectId: opts.project, attestation: policy }, () => describe(opts.project, policy));
    });
}
