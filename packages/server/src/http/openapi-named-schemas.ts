type Json = Record<string, any>;

/**
 * A schema the routes share (the error body, Passkey, User…) carries a `title` in its TypeBox
 * definition. The document names it once, under components/schemas, and refers to it wherever a
 * route uses it, so that the SDKs' generated types have one named type per wire shape instead of a
 * copy per route (an object, a union or an enum). Two different schemas with one title are a mistake: refused loudly.
 */
export function nameTitledSchemas(document: Json): Json {
  const named: Record<string, Json> = (document.components ??= {}).schemas ??= {};
  const seen = new Map<string, string>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const copy: Json = {};
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value);
    const title = copy.title;
    if (typeof title !== 'string' || (copy.type === undefined && copy.anyOf === undefined && copy.enum === undefined)) return copy;
    const { title: _title, ...schema } = copy;
    const text = JSON.stringify(schema);
    const before = seen.get(title);
    if (before !== undefined && before !== text) throw new Error(`two different schemas are titled ${title}`);
    seen.set(title, text);
    named[title] = schema;
    return { $ref: `#/components/schemas/${title}` };
  };
  document.paths = visit(document.paths ?? {});
  return document;
}
