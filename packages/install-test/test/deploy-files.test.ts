import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLatchkey, type TestLatchkey } from '@latchkey/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './helpers/repo.js';

/**
 * The service files under deploy/ and the Dockerfile, checked with what runs here: a YAML parser
 * for compose and Kubernetes, systemd's own verifier, and a real Latchkey for the probe paths. No
 * container engine runs on this machine (deploy/build-image-steps.sh runs the image's steps instead).
 */

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const serverBin = `node_modules/@latchkey/server/${JSON.parse(read('packages/server/package.json')).bin.latchkey}`;

/** The Dockerfile as [instruction, argument] pairs, continuation lines joined. */
function dockerfile(): [string, string][] {
  return read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+ /.test(line))
    .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1).trim()]);
}

let latchkey: TestLatchkey;
beforeAll(async () => {
  latchkey = await startLatchkey();
});
afterAll(async () => {
  await latchkey?.close();
});

describe('Dockerfile', () => {
  it('is multi-stage, its final stage has no build tools and runs as the non-root node user with /data as a volume', () => {
    const lines = dockerfile();
    const stages = lines.filter(([i]) => i === 'FROM').map(([, arg]) => arg);
    expect(stages).toEqual(['node:${NODE_VERSION}-bookworm-slim AS build', 'node:${NODE_VERSION}-bookworm-slim AS deps', 'node:${NODE_VERSION}-bookworm-slim AS final']);
    const final = lines.slice(lines.findIndex(([i, arg]) => i === 'FROM' && arg.endsWith('AS final')));
    expect(final.filter(([i, arg]) => i === 'RUN' && /apt-get|g\+\+|make|python|npm /.test(arg))).toEqual([]);
    expect(final).toContainEqual(['USER', 'node']);
    expect(final).toContainEqual(['VOLUME', '["/data"]']);
    expect(final.find(([i]) => i === 'ENV')?.[1]).toContain('LATCHKEY_DATABASE_URL=file:/data/latchkey.sqlite');
  });

  it('starts the packaged CLI and checks health with node (no curl in the image) on /readyz', () => {
    const lines = dockerfile();
    expect(JSON.parse(lines.find(([i]) => i === 'ENTRYPOINT')![1])).toEqual(['node', `/opt/latchkey/${serverBin}`]);
    const health = lines.find(([i]) => i === 'HEALTHCHECK')![1];
    const command = JSON.parse(health.slice(health.indexOf('CMD') + 3)) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain('/readyz');
  });

  it('.dockerignore keeps host builds and installs out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.env']));
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('deploy/compose/compose.yaml'), { merge: true });

  it('runs PostgreSQL, two Latchkey instances built from the repository and nginx in front', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['latchkey-a', 'latchkey-b', 'nginx', 'postgres']);
    for (const name of ['latchkey-a', 'latchkey-b']) {
      const service = compose.services[name];
      expect(join(REPO_ROOT, 'deploy/compose', service.build.context, service.build.dockerfile)).toBe(join(REPO_ROOT, 'Dockerfile'));
      expect(service.environment.LATCHKEY_DATABASE_URL).toMatch(/^postgres:\/\/latchkey:.*@postgres:5432\/latchkey$/);
      expect(service.environment.LATCHKEY_KEY_ENCRYPTION_KEY).toMatch(/^\$\{LATCHKEY_KEY_ENCRYPTION_KEY:\?/);
      expect(service.environment.LATCHKEY_TRUST_PROXY).toBe('true');
      expect(service.depends_on.postgres.condition).toBe('service_healthy');
    }
    expect(compose.services.nginx.depends_on).toEqual({ 'latchkey-a': { condition: 'service_healthy' }, 'latchkey-b': { condition: 'service_healthy' } });
  });

  it("nginx's upstream names both instances on the port the image listens on", () => {
    const nginx = read('deploy/compose/nginx.conf');
    const upstreams = [...nginx.matchAll(/^\s*server (\S+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    const port = dockerfile().find(([i]) => i === 'EXPOSE')![1];
    expect(upstreams).toEqual([`latchkey-a:${port}`, `latchkey-b:${port}`]);
    const [mount] = compose.services.nginx.volumes as string[];
    expect(mount).toBe('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
  });
});

describe('Kubernetes manifests', () => {
  const load = (file: string) => parseAllDocuments(read(`deploy/kubernetes/${file}`)).map((d) => d.toJS());
  const [deployment] = load('deployment.yaml');
  const [secret] = load('secret.yaml');
  const [service] = load('service.yaml');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('the Deployment probes /readyz for readiness and /healthz for liveness on the container port', async () => {
    expect(deployment.kind).toBe('Deployment');
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 4000 }]);
    // Both paths answer 200 on a real, ready server.
    for (const path of ['/readyz', '/healthz']) expect((await fetch(`${latchkey.url}${path}`)).status, path).toBe(200);
  });

  it('the key-encryption key comes from the Secret, the pod runs as the image user without privileges', () => {
    expect(secret.kind).toBe('Secret');
    expect(Object.keys(secret.stringData)).toEqual(expect.arrayContaining(['LATCHKEY_KEY_ENCRYPTION_KEY', 'LATCHKEY_DATABASE_URL']));
    expect(container.envFrom).toEqual([{ secretRef: { name: secret.metadata.name } }]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  it('the Service selects the Deployment\'s pods and targets the named port', () => {
    expect(service.kind).toBe('Service');
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });
});

describe('systemd unit', () => {
  it('passes systemd-analyze verify and starts the packaged CLI', () => {
    const unit = 'deploy/systemd/latchkey.service';
    const verify = spawnSync('systemd-analyze', ['verify', join(REPO_ROOT, unit)], { encoding: 'utf8' });
    expect(verify.error, 'systemd-analyze must be installed (Debian: systemd)').toBeUndefined();
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const text = read(unit);
    expect(text).toContain(`ExecStart=/usr/bin/node /opt/latchkey/${serverBin} serve`);
    expect(text).toMatch(/^KillSignal=SIGTERM$/m);
    expect(text).toMatch(/^User=latchkey$/m);
  });
});
