/** Renders the typed clients: a class per resource, a client per group/version, the ClientSet, module indexes. */
import {
  cmp,
  type GroupVersionModel,
  lowerFirstWord,
  pascalModule,
  type ResourceModel,
  type SubresourceModel,
  type TypeRef,
} from './model.ts';
import { baseVerbs, header, Imports, type Provenance, type TypeScope } from './render-types.ts';

/** Where a generated client imports each part of kubeloop from: relative paths inside kubeloop, else its package name. */
export interface LibraryPaths {
  /** `ResourceClient`, `PatchFormat`. */
  readonly resourceClient: string;
  /** The call options: `GetOptions`, `UpdateOptions`, ... */
  readonly options: string;
  /** `ApplyConfiguration`. */
  readonly applyConfiguration: string;
  /** `logParams`. */
  readonly query: string;
  /** `Status`. */
  readonly meta: string;
  /** `RESTClient`. */
  readonly restClient: string;
  /** `RestConfig`. */
  readonly restConfig: string;
}

/** How one output tree's clients are written: their provenance, where types and kubeloop are imported from. */
export interface ClientLayout {
  readonly provenance: Provenance;
  readonly types: TypeScope;
  readonly library: LibraryPaths;
}

/** The methods a subresource adds, by the verbs discovery lists for it. */
export function subresourceMethods(sub: SubresourceModel): string[] {
  const has = (verb: string) => sub.verbs.includes(verb);
  switch (sub.name) {
    case 'status':
      return [...(has('update') ? ['updateStatus'] : []), ...(has('patch') ? ['patchStatus', 'applyStatus'] : [])];
    case 'scale':
      return [
        ...(has('get') ? ['getScale'] : []),
        ...(has('update') ? ['updateScale'] : []),
        ...(has('patch') ? ['patchScale'] : []),
      ];
    case 'eviction':
      return has('create') ? ['evict'] : [];
    case 'binding':
      return has('create') ? ['bind'] : [];
    case 'log':
      return has('get') ? ['logs'] : [];
    case 'token':
      return has('create') ? ['createToken'] : [];
  }
}

/** Whether discovery lists every verb of a full resource client (else the accessor returns a `Pick`). */
export function servesAllVerbs(r: ResourceModel): boolean {
  return Object.keys(baseVerbs).every((verb) => r.verbs.includes(verb));
}

/** The public members of a resource's client, when not all verbs are served. */
export function pickedMembers(r: ResourceModel): string[] {
  const verbs = r.verbs.flatMap((verb) => baseVerbs[verb] ?? []);
  const subs = r.subresources.flatMap(subresourceMethods);
  return [...new Set([...verbs, ...subs, 'descriptor', 'namespace'])].sort(cmp);
}

/** `pods` → `PodsClient`. */
export function resourceClassName(r: ResourceModel): string {
  return `${r.method.charAt(0).toUpperCase()}${r.method.slice(1)}Client`;
}

interface ClientContext {
  readonly module: string;
  readonly imports: Imports;
  readonly layout: ClientLayout;
}

function typeIn(ctx: ClientContext, ref: TypeRef): string {
  return ctx.imports.use(ctx.layout.types.typesPath(ctx.module, ref.module), ref.name, pascalModule(ref.module));
}

function subresourceMethodText(ctx: ClientContext, r: ResourceModel, sub: SubresourceModel, method: string): string {
  const kind = typeIn(ctx, r.kind);
  const sk = typeIn(ctx, sub.kind);
  const lib = ctx.layout.library;
  const opt = (name: string) => ctx.imports.use(lib.options, name, '');
  const path = `\`${r.resource}/${sub.name}\``;
  switch (method) {
    case 'updateStatus':
      return `  /** Replaces the status of an object (named by its \`metadata.name\`) through ${path}; other fields are ignored. */
  updateStatus(object: ${kind}, options: ${opt('UpdateOptions')} = {}): Promise<${kind}> {
    return this.updateSubresource(object, 'status', object, options);
  }\n`;
    case 'patchStatus':
      return `  /** Patches the status of the named object through ${path}. */
  patchStatus(name: string, format: ${ctx.imports.use(lib.resourceClient, 'PatchFormat', '')}, patch: unknown, options: ${opt('PatchOptions')} = {}): Promise<${kind}> {
    return this.patchSubresource(name, ['status'], format, patch, options);
  }\n`;
    case 'applyStatus':
      return `  /** Server-side applies the status fields of \`configuration\` through ${path}. */
  applyStatus(configuration: ${ctx.imports.use(lib.applyConfiguration, 'ApplyConfiguration', '')}<${kind}>, options: ${opt('ApplyOptions')}): Promise<${kind}> {
    return this.applySubresource(configuration, ['status'], options);
  }\n`;
    case 'getScale':
      return `  /** Reads the scale subresource (${path}). */
  getScale(name: string, options: ${opt('GetOptions')} = {}): Promise<${sk}> {
    return this.getSubresource(name, 'scale', options);
  }\n`;
    case 'updateScale':
      return `  /** Replaces the scale subresource (${path}): the way to set replicas without touching the rest of the object. */
  updateScale(name: string, scale: ${sk}, options: ${opt('UpdateOptions')} = {}): Promise<${sk}> {
    return this.updateSubresource(name, 'scale', scale, options);
  }\n`;
    case 'patchScale':
      return `  /** Patches the scale subresource (${path}). */
  patchScale(name: string, format: ${ctx.imports.use(lib.resourceClient, 'PatchFormat', '')}, patch: unknown, options: ${opt('PatchOptions')} = {}): Promise<${sk}> {
    return this.patchSubresource(name, ['scale'], format, patch, options);
  }\n`;
    case 'evict':
      return `  /** Evicts the pod named in the Eviction (${path}): refused with 429 TooManyRequests while a PodDisruptionBudget forbids it. */
  evict(eviction: ${sk}, options: ${opt('CreateOptions')} = {}): Promise<${ctx.imports.use(lib.meta, 'Status', '')}> {
    return this.createSubresource(eviction, 'eviction', eviction, options);
  }\n`;
    case 'bind':
      return `  /** Binds the object named in the Binding to its target (${path}), as a scheduler does. */
  bind(binding: ${sk}, options: ${opt('CreateOptions')} = {}): Promise<${ctx.imports.use(lib.meta, 'Status', '')}> {
    return this.createSubresource(binding, 'binding', binding, options);
  }\n`;
    case 'logs':
      ctx.imports.use(lib.query, 'logParams', '', true);
      return `  /** Streams a container's log (${path}); with \`follow\` the stream stays open until the container ends or the signal aborts. */
  logs(name: string, options: ${opt('PodLogOptions')} = {}): Promise<AsyncIterable<Uint8Array>> {
    return this.streamSubresource(name, 'log', logParams(options), options.signal);
  }\n`;
    case 'createToken':
      return `  /** Requests a token for the named object (${path}). */
  createToken(name: string, request: ${sk}, options: ${opt('CreateOptions')} = {}): Promise<${sk}> {
    return this.createSubresource(name, 'token', request, options);
  }\n`;
    default:
      throw new Error(`codegen: no method text for ${method}`);
  }
}

function resourceClass(ctx: ClientContext, r: ResourceModel): string {
  const kind = typeIn(ctx, r.kind);
  const list = r.list === undefined ? undefined : typeIn(ctx, r.list);
  const base = ctx.imports.use(ctx.layout.library.resourceClient, 'ResourceClient', '', true);
  const methods = r.subresources.flatMap((sub) =>
    subresourceMethods(sub).map((m) => subresourceMethodText(ctx, r, sub, m)),
  );
  const subs = r.subresources.map((s) => s.name).join(', ');
  return `/**
 * The client of ${r.resource}, with the ${subs} subresource${r.subresources.length > 1 ? 's' : ''}.
 *
 * Guarantees: those of ResourceClient; each subresource call is one request to \`${r.resource}/{name}/<subresource>\`.
 */
export class ${resourceClassName(r)} extends ${base}<${kind}${list === undefined ? '' : `, ${list}`}> {
${methods.join('\n')}}
`;
}

function accessor(ctx: ClientContext, model: GroupVersionModel, r: ResourceModel): string {
  const kind = typeIn(ctx, r.kind);
  const list = r.list === undefined ? '' : `, ${typeIn(ctx, r.list)}`;
  const base = ctx.imports.use(ctx.layout.library.resourceClient, 'ResourceClient', '', true);
  const cls = r.subresources.some((s) => subresourceMethods(s).length > 0)
    ? resourceClassName(r)
    : `${base}<${kind}${list}>`;
  const type = servesAllVerbs(r)
    ? cls
    : `Pick<${cls}, ${pickedMembers(r)
        .map((m) => `'${m}'`)
        .join(' | ')}>`;
  const descriptor = `{ group: '${model.group}', version: '${model.version}', resource: '${r.resource}', kind: '${r.kindName}', namespaced: ${r.namespaced} }`;
  const doc = r.namespaced
    ? `  /** The client of ${r.resource} in \`namespace\`; without one, list and watch span all namespaces. */\n`
    : `  /** The client of ${r.resource} (cluster-scoped). */\n`;
  return `${doc}  ${r.method}(${r.namespaced ? 'namespace?: string' : ''}): ${type} {
    return new ${cls}(this.rest, ${descriptor}${r.namespaced ? ', namespace' : ''});
  }\n`;
}

/** `core-v1` → `core/v1`, `networking-v1` → `networking.k8s.io/v1`. */
function apiName(model: GroupVersionModel): string {
  return model.group === '' ? `core/${model.version}` : `${model.group}/${model.version}`;
}

/** Renders a group/version's client.ts: the per-resource clients and the group client. */
export function renderClient(model: GroupVersionModel, layout: ClientLayout): string {
  const groupClass = `${pascalModule(model.module)}Client`;
  const locals = [groupClass, ...model.resources.map(resourceClassName)];
  const ctx: ClientContext = { module: model.module, imports: new Imports(locals), layout };
  const classes = model.resources
    .filter((r) => r.subresources.some((s) => subresourceMethods(s).length > 0))
    .map((r) => resourceClass(ctx, r));
  const accessors = model.resources.map((r) => accessor(ctx, model, r));
  const rest = ctx.imports.use(layout.library.restClient, 'RESTClient', '', true);
  const config = ctx.imports.use(layout.library.restConfig, 'RestConfig', '');
  const group = `/**
 * The typed client of the ${apiName(model)} API: one accessor per resource.
 *
 * Guarantees: stateless and cheap; every request goes through the RESTClient it was built on (its pool, rate
 * limiter and retries). Importing this module loads no other group's client.
 */
export class ${groupClass} {
  /** Builds the client on a RESTClient. */
  constructor(readonly rest: ${rest}) {}

  /** Builds the client from a RestConfig, sharing the connection pool of every client built from it. */
  static forConfig(config: ${config}): ${groupClass} {
    return new ${groupClass}(${rest}.forConfig(config));
  }

${accessors.join('\n')}}
`;
  return `${header(layout.provenance, `Implements the typed client of the ${apiName(model)} API ${layout.provenance.of}.`)}${ctx.imports.render()}\n\n${[...classes, group].join('\n')}`;
}

/** Renders the built-ins' clientset.ts: one accessor per served group/version. */
export function renderClientSet(models: readonly GroupVersionModel[], provenance: Provenance): string {
  const imports = new Imports(['ClientSet']);
  const rest = imports.use('../rest/rest-client.js', 'RESTClient', '', true);
  const config = imports.use('../rest/config.js', 'RestConfig', '');
  const accessors = models.map((m) => {
    const cls = imports.use(`./${m.module}/client.js`, `${pascalModule(m.module)}Client`, '', true);
    const name = `${lowerFirstWord(pascalModule(m.module))}`;
    return `  /** The ${apiName(m)} client. */\n  ${name}(): ${cls} {\n    return new ${cls}(this.rest);\n  }\n`;
  });
  return `${header(provenance, `Implements the ClientSet: one typed client per built-in group/version ${provenance.of}.`)}${imports.render()}

/**
 * Every built-in group/version of the pinned release, each behind an accessor (\`coreV1()\`, \`appsV1()\`, ...).
 *
 * Guarantees: stateless; accessors are cheap and share this RESTClient (one pool, one rate limiter). Importing
 * this module loads every group's client: code that cares about bundle size imports the group module it uses
 * (\`src/client/kubernetes/<group>-<version>/index.js\`) and builds that group's client alone.
 */
export class ClientSet {
  /** Builds the clientset on a RESTClient. */
  constructor(readonly rest: ${rest}) {}

  /** Builds the clientset from a RestConfig, sharing the connection pool of every client built from it. */
  static forConfig(config: ${config}): ClientSet {
    return new ClientSet(${rest}.forConfig(config));
  }

${accessors.join('\n')}}
`;
}

/**
 * Renders a group module's index.ts. A module inside kubeloop (`entryPoint`: its package subpath) is an entry point
 * of its own, so it runs the Node.js version check first, like every hand-written entry point.
 */
export function renderIndex(module: string, hasClient: boolean, provenance: Provenance, entryPoint?: string): string {
  const summary = `Re-exports the ${module} types${hasClient ? ' and client' : ''}.${entryPoint ? ` @module ${entryPoint}` : ''}`;
  const check = entryPoint
    ? "// First: fails clearly on an unsupported Node.js before any dependency loads.\nimport '../../../runtime-check.js';\n\n"
    : '';
  return `${header(provenance, summary)}${check}${hasClient ? "export * from './client.js';\n" : ''}export * from './types.js';\n`;
}
