import { SoftAuthenticator } from '@latchkey/testkit';
import type { JsonClient } from '../lib/http.js';
import type { Target } from '../targets/target.js';

export interface BenchUser {
  identifier: string;
  authenticator: SoftAuthenticator;
}

/**
 * Users with one registered passkey each. A ceremony borrows a user for its whole length: a
 * passkey's counter must move forward, so two ceremonies of one passkey at once would race it.
 */
export class UserPool {
  private readonly free: BenchUser[] = [];
  private readonly waiting: Array<(user: BenchUser) => void> = [];

  static async create(target: Target, client: JsonClient, size: number, prefix: string): Promise<UserPool> {
    const pool = new UserPool();
    for (let i = 0; i < size; i++) {
      const user = { identifier: `${prefix}-${i}@example.com`, authenticator: new SoftAuthenticator() };
      await target.register(client, user.authenticator, user.identifier);
      pool.free.push(user);
    }
    return pool;
  }

  acquire(): Promise<BenchUser> {
    const user = this.free.pop();
    return user ? Promise.resolve(user) : new Promise((resolve) => this.waiting.push(resolve));
  }

  release(user: BenchUser): void {
    const next = this.waiting.shift();
    if (next) next(user);
    else this.free.push(user);
  }
}
