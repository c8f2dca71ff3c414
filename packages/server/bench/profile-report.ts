/**
 * Reads a V8 .cpuprofile and says where the time went: self time by module (an npm package, a
 * folder of src/, a part of node, or V8's own buckets: GC, idle, program) and by function.
 *
 * Frames without a script (V8 builtins such as JSON.parse, C++ bindings such as a signature) are
 * charged to the nearest caller that has one: the time `jose` spends in node's RSA code is jose's
 * crypto cost, and a JSON.parse in kysely is SQL cost.
 */

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Cost {
  name: string;
  micros: number;
}

export interface ProfileSummary {
  totalMicros: number;
  /** Self time by module, largest first. */
  modules: Cost[];
  /** The modules rolled up into the categories (SQL, crypto, HTTP, framework, logging, …). */
  categories: Cost[];
  /** Self time by function (`name (module file:line)`), largest first. */
  functions: Cost[];
}

const V8_BUCKETS = new Map([
  ['(garbage collector)', 'GC'],
  ['(idle)', 'idle'],
  ['(program)', 'program (V8, native)'],
  ['(root)', 'program (V8, native)'],
]);

/** The module a script URL belongs to. */
export function moduleOf(url: string): string {
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  const inModules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (inModules) return inModules[1]!;
  const inSrc = /\/packages\/([^/]+)\/(src|dist|bench|test)\/(?:([^/]+)\/)?/.exec(path);
  if (inSrc) return inSrc[1] === 'server' ? `${inSrc[2] === 'dist' ? 'src' : inSrc[2]}/${inSrc[3] ?? '(top)'}` : `@latchkey/${inSrc[1]}`;
  if (path.startsWith('node:')) {
    const name = path.slice('node:'.length).replace(/^internal\/(deps\/)?/, '');
    const first = name.split('/')[0]!.replace(/^_/, '');
    // node:_http_server, internal/http → http; internal/streams, stream → stream
    const http = /^(http|https)(_|$)/.test(first) ? 'http' : first.replace(/^streams$/, 'stream');
    return `node:${http.replace(/\.js$/, '')}`;
  }
  return url === '' ? '(no script)' : `other ${path}`;
}

/** The categories: what a reader wants to know first. */
export function categoryOf(module: string): string {
  if (/^(kysely|better-sqlite3|pg|pg-.*|pgpass|postgres-.*)$/.test(module) || module === 'src/store') return 'SQL (kysely, drivers, src/store)';
  if (/^(jose|@simplewebauthn\/server|@peculiar\/.*|@levischuck\/tiny-cbor|@hexagon\/base64|asn1js|pvtsutils|pvutils|tslib)$/.test(module) || module === 'node:crypto') return 'crypto (jose, SimpleWebAuthn, node:crypto)';
  // The server's only file writes on the hot path are pino's (SQLite does its own I/O, in C).
  if (module === 'node:fs') return 'logging (pino, and its writes)';
  if (module === 'node:inspector') return 'the profiler itself';
  if (module.startsWith('node:')) return 'node (sockets, HTTP, streams, timers)';
  if (/^(fastify|@fastify\/.*|helmet|avvio|find-my-way|light-my-request|fast-json-stringify|ajv|ajv-formats|fast-uri|fast-querystring|secure-json-parse|toad-cache|rfdc|fast-decode-uri-component|safe-regex2|ret|process-warning|abstract-logging|fastq|reusify|content-type|fast-content-type-parse|json-schema-traverse|fast-deep-equal|cookie|proxy-addr|forwarded|ipaddr\.js|semver)$/.test(module)) return 'framework (fastify, ajv, plugins)';
  if (/^(pino|pino-std-serializers|sonic-boom|thread-stream|on-exit-leak-free|atomic-sleep|fast-redact|quick-format-unescaped|safe-stable-stringify|real-require)$/.test(module)) return 'logging (pino)';
  if (module === 'prom-client' || module === 'tdigest' || module === 'bintrees') return 'metrics (prom-client)';
  if (module === 'GC' || module.startsWith('program')) return 'V8 (GC, compiler, native)';
  if (module === 'idle') return 'idle';
  if (module.startsWith('src/')) return 'Latchkey code (src/)';
  return 'other';
}

/**
 * The category of a module's code, given the modules of its callers, innermost first: node's own
 * code counts as the first package above it when that package is SQL, logging or crypto (a socket
 * write that pg makes is a database round trip), else as node's.
 */
export function categoryCalledFrom(module: string, callers: Iterable<string>): string {
  if (!module.startsWith('node:')) return categoryOf(module);
  for (const caller of callers) {
    if (caller.startsWith('node:') || caller.startsWith('program')) continue;
    const category = categoryOf(caller);
    return category.startsWith('SQL') || category.startsWith('logging') || category.startsWith('crypto') ? category : categoryOf(module);
  }
  return categoryOf(module);
}

function sortCosts(map: Map<string, number>): Cost[] {
  return [...map.entries()].map(([name, micros]) => ({ name, micros })).sort((a, b) => b.micros - a.micros);
}

export function summarise(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  /** Memo: node id → the module its self time is charged to. */
  const chargedModule = new Map<number, string>();
  const moduleOfNode = (id: number): string => {
    const known = chargedModule.get(id);
    if (known) return known;
    const frame = byId.get(id)!.callFrame;
    let module: string;
    const bucket = V8_BUCKETS.get(frame.functionName);
    if (bucket) module = bucket;
    else if (frame.url !== '') module = moduleOf(frame.url);
    else {
      const up = parent.get(id);
      module = up === undefined ? '(no script)' : moduleOfNode(up);
      if (module === 'idle' || module.startsWith('program')) module = `program (V8, native)`;
    }
    chargedModule.set(id, module);
    return module;
  };

  /**
   * Node's own code is charged to the category of the package that called into it: a socket write
   * that pg makes is a database round trip, one that pino makes is logging; only what no package
   * called (an HTTP request arriving, a response written by fastify) stays node's.
   */
  const categoryOfNode = (id: number, module: string): string => {
    function* callers() {
      for (let up = parent.get(id); up !== undefined; up = parent.get(up)) yield moduleOfNode(up);
    }
    return categoryCalledFrom(module, callers());
  };

  const selfMicros = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time since the previous sample; the next sample's delta is this one's duration.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + micros);
    total += micros;
  });

  const modules = new Map<string, number>();
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const module = moduleOfNode(id);
    modules.set(module, (modules.get(module) ?? 0) + micros);
    const category = categoryOfNode(id, module);
    categories.set(category, (categories.get(category) ?? 0) + micros);
    const frame = byId.get(id)!.callFrame;
    // A frame without a script is V8 or C++ (a syscall, a signature, SQLite itself): named with its caller's module.
    const where = frame.url === '' ? (V8_BUCKETS.has(frame.functionName) ? module : `native, called from ${module}`) : `${module} ${frame.url.split('/').slice(-1)[0]}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'} (${where})`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
  }
  return { totalMicros: total, modules: sortCosts(modules), categories: sortCosts(categories), functions: sortCosts(functions) };
}
