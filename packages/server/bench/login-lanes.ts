/**
 * The login and verification loads that `bench:profile` and `bench:instructions` drive: `lanes`
 * registered users, each running its ceremonies one after another, all lanes at once.
 */
import { SoftAuthenticator } from '@latchkey/testkit';
import type { Project } from '../src/projects/project.js';
import { appendPasskey, expectStatus, login } from '../test/helpers/ceremonies.js';
import { basicAuth, httpRequest, projectClient } from '../test/helpers/http-client.js';

export interface LoginLanes {
  /** `count` logins over the lanes; returns the tokens they issued. */
  logins(count: number): Promise<string[]>;
  /** One verifySignedData per token over the lanes; every answer must be a 200 `success`. */
  verifications(tokens: string[]): Promise<void>;
}

/** Registers one passkey per lane (identifiers `<prefix>-<i>@example.com`) on the running server. */
export async function loginLanes(url: string, project: Project, secret: string, lanes: number, prefix: string): Promise<LoginLanes> {
  const p = projectClient(url, project, secret);
  const authorization = basicAuth(project.id, secret);
  const users = await Promise.all(
    Array.from({ length: lanes }, async (_, i) => {
      const authenticator = new SoftAuthenticator();
      const identifier = `${prefix}-${i}@example.com`;
      expectStatus(await appendPasskey(p, authenticator, identifier), 200);
      return { authenticator, identifier };
    }),
  );

  return {
    async logins(count) {
      const tokens: string[] = [];
      let started = 0;
      await Promise.all(
        users.map(async (user) => {
          while (started < count) {
            started++;
            const answer = await login(p, user.authenticator, user.identifier);
            expectStatus(answer, 200);
            tokens.push(answer.body.signedPasskeyData as string);
          }
        }),
      );
      return tokens;
    },
    async verifications(tokens) {
      let next = 0;
      await Promise.all(
        users.map(async () => {
          while (next < tokens.length) {
            const token = tokens[next++]!;
            const answer = await httpRequest(url, 'POST', '/v2/passkey/verifySignedData', { body: { signedPasskeyData: token }, headers: { authorization } });
            if (answer.status !== 200 || answer.body.verificationResult !== 'success') throw new Error(`verifySignedData answered ${answer.status} ${JSON.stringify(answer.body)}`);
          }
        }),
      );
    },
  };
}
