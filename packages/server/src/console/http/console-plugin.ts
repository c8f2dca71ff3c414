import type { Ctx } from '../../context.js';
import type { App } from '../../http/route-deps.js';
import { consoleAdminRoutes } from './admin-routes.js';
import { consoleAuthRoutes } from './auth-routes.js';
import { consoleEventRoutes } from './event-routes.js';
import { checkOrigin, ConsoleProject, requireSession } from './guard.js';
import { consolePolicyRoutes } from './policy-routes.js';
import { consoleOpsRoutes } from './ops-routes.js';
import { consoleProjectRoutes } from './project-routes.js';
import { consoleStaticRoutes } from './static-assets.js';
import { consoleUserRoutes } from './user-routes.js';

/**
 * The operator console at /console: its page and its API (/console/api/…, outside the public
 * contract). Every change passes the Origin check before its body is even parsed; everything but
 * the login steps needs a session, changes its CSRF token (guard.ts).
 */
export async function consolePlugin(app: App, ctx: Ctx, options: { sampleInterval: number }): Promise<void> {
  const consoleProject = new ConsoleProject(ctx);
  await app.register(
    async (scope) => {
      const console = scope as unknown as App;
      console.addHook('onRequest', async (request) => checkOrigin(request, consoleProject));
      await consoleAuthRoutes(console, ctx, consoleProject);
      await console.register(async (guarded) => {
        const api = guarded as unknown as App;
        api.addHook('onRequest', async (request) => {
          await requireSession(ctx, request);
        });
        await consoleProjectRoutes(api, ctx, consoleProject);
        await consoleUserRoutes(api, ctx, consoleProject);
        await consoleEventRoutes(api, ctx);
        await consolePolicyRoutes(api, ctx, consoleProject);
        await consoleAdminRoutes(api, ctx, consoleProject);
        await consoleOpsRoutes(api, ctx, options.sampleInterval);
      });
      await consoleStaticRoutes(console);
    },
    { prefix: '/console' },
  );
}
