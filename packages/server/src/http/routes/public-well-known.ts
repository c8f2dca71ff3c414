import { Type } from 'typebox';
import { notFound } from '../../errors/latchkey-error.js';
import { findProject } from '../../projects/get-project.js';
import { wellKnownDocuments, type WellKnownDocuments } from '../../projects/well-known-documents.js';
import type { App, RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas/common.js';

const AssetLinks = Type.Array(
  Type.Object({
    relation: Type.Array(Type.String()),
    target: Type.Object({ namespace: Type.Literal('android_app'), package_name: Type.String(), sha256_cert_fingerprints: Type.Array(Type.String()) }),
  }),
  { title: 'AssetLinks' },
);
const AppleAppSiteAssociation = Type.Object({ webcredentials: Type.Object({ apps: Type.Array(Type.String()) }) }, { title: 'AppleAppSiteAssociation' });
const WebAuthnWellKnown = Type.Object({ origins: Type.Array(Type.String()) }, { title: 'WebAuthnWellKnown' });

const ROUTES: Array<{ file: string; key: keyof WellKnownDocuments; operationId: string; summary: string; schema: unknown }> = [
  {
    file: 'webauthn',
    key: 'webauthn',
    operationId: 'getWebAuthnWellKnown',
    summary: 'The project’s related origins as the /.well-known/webauthn document; serve it (or proxy this) at https://<RP ID>/.well-known/webauthn',
    schema: WebAuthnWellKnown,
  },
  {
    file: 'assetlinks.json',
    key: 'assetlinks',
    operationId: 'getAssetLinks',
    summary: 'The project’s Android apps as Digital Asset Links; serve it (or proxy this) at https://<RP ID>/.well-known/assetlinks.json',
    schema: AssetLinks,
  },
  {
    file: 'apple-app-site-association',
    key: 'appleAppSiteAssociation',
    operationId: 'getAppleAppSiteAssociation',
    summary: 'The project’s iOS apps (webcredentials); serve it (or proxy this) at https://<RP ID>/.well-known/apple-app-site-association',
    schema: AppleAppSiteAssociation,
  },
];

/**
 * Unauthenticated, like the JWKS: the documents a project's RP ID domain must serve for related
 * origins and native apps (docs/native.md). The domain may copy them (`latchkey project
 * well-known`) or proxy these routes, so a setting changed with `project update` reaches it
 * without a redeploy. They hold nothing secret: the same documents are public on that domain.
 */
export async function publicWellKnownRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  for (const route of ROUTES) {
    app.get(
      `/v2/projects/:projectId/.well-known/${route.file}`,
      {
        schema: {
          operationId: route.operationId,
          tags: ['Public'],
          summary: route.summary,
          params: Type.Object({ projectId: Type.String({ maxLength: 64 }) }),
          response: { 200: route.schema as typeof WebAuthnWellKnown, ...errorResponses(404, 414) },
        },
      },
      async (request, reply) => {
        const project = await findProject(ctx, request.params.projectId);
        if (!project) throw notFound('project_not_found', `no project ${request.params.projectId}`);
        reply.header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*').type('application/json');
        return wellKnownDocuments(project)[route.key] as never;
      },
    );
  }
}
