type OpenApiDocument = Record<string, any>;

/**
 * The Frontend API validates X-Project-ID as a header, and the document also names it as the
 * `projectId` security scheme: listed twice, Swagger UI asks for it twice and a generated client
 * gets two fields for one header. The security scheme is what carries it; the document drops the
 * header parameter that a scheme of the operation already names.
 */
export function dropHeadersCarriedBySecurity(document: OpenApiDocument): OpenApiDocument {
  const schemes: Record<string, { type?: string; in?: string; name?: string }> = document.components?.securitySchemes ?? {};
  for (const operations of Object.values<Record<string, any>>(document.paths ?? {})) {
    for (const operation of Object.values<any>(operations)) {
      if (!operation || !Array.isArray(operation.parameters)) continue;
      const carried = new Set<string>();
      for (const requirement of operation.security ?? document.security ?? []) {
        for (const name of Object.keys(requirement)) {
          const scheme = schemes[name];
          if (scheme?.type === 'apiKey' && scheme.in === 'header' && scheme.name) carried.add(scheme.name.toLowerCase());
        }
      }
      operation.parameters = operation.parameters.filter((p: { in: string; name: string }) => !(p.in === 'header' && carried.has(p.name.toLowerCase())));
      if (operation.parameters.length === 0) delete operation.parameters;
    }
  }
  return document;
}
