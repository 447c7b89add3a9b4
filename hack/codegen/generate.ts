// Generates src/client/kubernetes/** (types and typed clients) from the saved discovery and OpenAPI v3 data.
// Run: npx node hack/codegen/generate.ts   (deterministic, no network; formats its output with the repo's biome)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The release whose data is read; bump together with hack/control-plane. */
export const release = 'v1.37.2';
const command = 'npx node hack/codegen/generate.ts';

/** An OpenAPI v3 schema, as far as the generator reads it. */
export interface Schema {
  readonly description?: string;
  readonly type?: string;
  readonly format?: string;
  readonly $ref?: string;
  readonly allOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema | boolean;
  readonly required?: readonly string[];
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
}

/** A group/version/kind as OpenAPI and discovery spell it. */
export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A resource in an aggregated discovery document (apidiscovery.k8s.io/v2). */
export interface DiscoveryResource {
  readonly resource: string;
  readonly responseKind?: GroupVersionKind;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly verbs: readonly string[];
  readonly subresources?: readonly {
    readonly subresource: string;
    readonly responseKind?: GroupVersionKind;
    readonly verbs: readonly string[];
  }[];
}

/** An APIGroupDiscoveryList (the core group's name is absent). */
export interface DiscoveryList {
  readonly items: readonly {
    readonly metadata: { readonly name?: string };
    readonly versions: readonly { readonly version: string; readonly resources: readonly DiscoveryResource[] }[];
  }[];
}

/** A type the generator emits: which module declares it, and its name there. */
export interface TypeRef {
  readonly module: string;
  readonly name: string;
}

/** A subresource the typed clients expose, with the type it sends and returns. */
export interface SubresourceModel {
  readonly name: 'status' | 'scale' | 'eviction' | 'binding' | 'log' | 'token';
  readonly verbs: readonly string[];
  readonly kind: TypeRef;
}

/** One resource of a group/version, as its group client exposes it. */
export interface ResourceModel {
  readonly resource: string;
  /** The accessor's name: the plural in camelCase (`persistentVolumeClaims`). */
  readonly method: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
  readonly kind: TypeRef;
  readonly list: TypeRef | undefined;
  readonly subresources: readonly SubresourceModel[];
}

/** One served group/version: its module and group client. */
export interface GroupVersionModel {
  readonly group: string;
  readonly version: string;
  /** Folder under src/client/kubernetes, e.g. `networking-v1`. */
  readonly module: string;
  readonly resources: readonly ResourceModel[];
}

// Subresources served by the pinned release that get no method: exec/attach/portforward need a streaming
// protocol (SPDY/WebSocket), proxy is raw HTTP, the rest are rarely used outside kubectl.
const supportedSubresources = new Set(['status', 'scale', 'eviction', 'binding', 'log', 'token']);

// Types OpenAPI leaves without a shape because Go marshals them by hand.
const hand: Readonly<Record<string, string>> = {
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
    'JSONSchemaProps | JSONSchemaProps[]',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': 'JSONSchemaProps | boolean',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': 'JSONSchemaProps | string[]',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': 'unknown',
};

/** Returns the module of an OpenAPI schema package: `io.k8s.api.core.v1` → `core-v1`; apimachinery's → `common`. */
export function moduleOfPackage(pkg: string): string {
  if (pkg === 'io.k8s.apimachinery.pkg.apis.meta.v1') return 'meta-v1';
  const api =
    /^io\.k8s\.api\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(pkg) ?? /\.pkg\.apis\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(pkg);
  if (api) return `${api[1]}-${api[2]}`;
  if (pkg.startsWith('io.k8s.apimachinery.')) return 'common';
  throw new Error(`codegen: no module for schema package ${pkg}`);
}

/** Returns where a schema's type is declared. */
export function typeRefOf(schemaName: string): TypeRef {
  const cut = schemaName.lastIndexOf('.');
  return { module: moduleOfPackage(schemaName.slice(0, cut)), name: schemaName.slice(cut + 1) };
}

/** `core-v1` → `CoreV1`. */
export function pascalModule(module: string): string {
  return module
    .split(/[-.]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** `IPAddress` → `ipAddress`, `CSIDriver` → `csiDriver`, `Pod` → `pod`. */
export function lowerFirstWord(name: string): string {
  const lead = /^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/.exec(name)?.[0] ?? '';
  return lead.toLowerCase() + name.slice(lead.length);
}

/** Camel-cases a lowercase plural using its kind's word breaks: (`networkpolicies`, `NetworkPolicy`) → `networkPolicies`. */
export function methodName(resource: string, kind: string): string {
  const camel = lowerFirstWord(kind);
  let common = 0;
  while (common < resource.length && common < camel.length && resource[common] === camel[common]?.toLowerCase()) {
    common++;
  }
  return camel.slice(0, common) + resource.slice(common);
}

/** Finds the schema declaring a group/version/kind; an empty version picks the only (or first sorted) one. */
export function findKind(
  schemas: Readonly<Record<string, Schema>>,
  group: string,
  version: string,
  kind: string,
): string | undefined {
  const matches = Object.keys(schemas)
    .filter((name) =>
      (schemas[name]?.['x-kubernetes-group-version-kind'] ?? []).some(
        (g) => g.group === group && g.kind === kind && (version === '' || g.version === version),
      ),
    )
    // meta/v1 types such as DeleteOptions list every group as theirs: prefer the group's own package.
    .sort(
      (a, b) =>
        Number(a.startsWith('io.k8s.apimachinery.')) - Number(b.startsWith('io.k8s.apimachinery.')) || cmp(a, b),
    );
  return matches[0];
}

/** Builds the model of every served group/version from discovery and the schemas. */
export function buildModel(
  discovery: readonly DiscoveryList[],
  schemas: Readonly<Record<string, Schema>>,
): GroupVersionModel[] {
  const models: GroupVersionModel[] = [];
  for (const list of discovery) {
    for (const item of list.items) {
      const group = item.metadata.name ?? '';
      for (const { version, resources } of item.versions) {
        const built = resources.map((r) => buildResource(group, version, r, schemas));
        const module = built[0]?.kind.module ?? `${group.split('.')[0]}-${version}`;
        models.push({ group, version, module, resources: built.sort((a, b) => cmp(a.method, b.method)) });
      }
    }
  }
  models.sort((a, b) => cmp(a.module, b.module));
  const seen = new Map<string, string>();
  for (const m of models) {
    const gv = `${m.group}/${m.version}`;
    const other = seen.get(m.module);
    if (other !== undefined) throw new Error(`codegen: ${gv} and ${other} would share module ${m.module}`);
    seen.set(m.module, gv);
  }
  return models;
}

/** Builds one resource's model: scope, kind and list types, and the subresources we expose. */
export function buildResource(
  group: string,
  version: string,
  r: DiscoveryResource,
  schemas: Readonly<Record<string, Schema>>,
): ResourceModel {
  const kindName = r.responseKind?.kind ?? '';
  const kindSchema = findKind(schemas, group, version, kindName);
  if (kindSchema === undefined) throw new Error(`codegen: no schema for ${group}/${version} ${kindName}`);
  const listSchema = findKind(schemas, group, version, `${kindName}List`);
  const subresources: SubresourceModel[] = [];
  for (const sub of r.subresources ?? []) {
    if (!supportedSubresources.has(sub.subresource)) continue;
    const k = sub.responseKind;
    const subGroup = k === undefined || (k.group === '' && k.kind === kindName) ? group : k.group;
    const subVersion = k?.version || (subGroup === group ? version : '');
    const schema = findKind(schemas, subGroup, subVersion, k?.kind ?? kindName);
    if (schema === undefined) throw new Error(`codegen: no schema for ${r.resource}/${sub.subresource}`);
    subresources.push({
      name: sub.subresource as SubresourceModel['name'],
      verbs: sub.verbs,
      kind: typeRefOf(schema),
    });
  }
  return {
    resource: r.resource,
    method: methodName(r.resource, kindName),
    namespaced: r.scope === 'Namespaced',
    verbs: [...r.verbs].sort(),
    kind: typeRefOf(kindSchema),
    list: listSchema === undefined ? undefined : typeRefOf(listSchema),
    subresources: subresources.sort((a, b) => cmp(a.name, b.name)),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tracks the imports of one generated file, aliasing names that clash with local ones or each other. */
export class Imports {
  private readonly byPath = new Map<string, Map<string, { local: string; value: boolean }>>();
  private readonly taken: Set<string>;

  constructor(localNames: Iterable<string>) {
    this.taken = new Set(localNames);
  }

  /** Returns the local identifier of `name` imported from `path` (type-only unless `value`). */
  use(path: string, name: string, aliasPrefix: string, value = false): string {
    let names = this.byPath.get(path);
    if (names === undefined) {
      names = new Map();
      this.byPath.set(path, names);
    }
    const existing = names.get(name);
    if (existing !== undefined) {
      existing.value ||= value;
      return existing.local;
    }
    const local = this.taken.has(name) ? aliasPrefix + name : name;
    this.taken.add(local);
    names.set(name, { local, value });
    return local;
  }

  /** Renders the import lines, sorted by path and name. */
  render(): string {
    const lines: string[] = [];
    for (const path of [...this.byPath.keys()].sort(cmp)) {
      const names = [...(this.byPath.get(path) ?? new Map()).entries()].sort(([a], [b]) => cmp(a, b));
      const allTypes = names.every(([, n]) => !n.value);
      const specs = names.map(([name, n]) => {
        const spec = name === n.local ? name : `${name} as ${n.local}`;
        return allTypes || n.value ? spec : `type ${spec}`;
      });
      lines.push(`import ${allTypes ? 'type ' : ''}{ ${specs.join(', ')} } from '${path}';`);
    }
    return lines.join('\n');
  }
}

/** Renders a description as a TSDoc block at the given indent; empty when there is none. */
export function tsdoc(description: string | undefined, indent: string): string {
  if (description === undefined || description.trim() === '') return '';
  const lines = description
    .replaceAll('*/', '*\\/')
    .trim()
    .split('\n')
    .map((line) => line.trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)).join('\n')}\n${indent} */\n`;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders the TypeScript type of a schema; refs to other modules go through `imports`. */
export function tsType(schema: Schema, module: string, imports: Imports): string {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
  if (ref !== undefined) {
    const target = typeRefOf(ref.replace('#/components/schemas/', ''));
    if (target.module === module) return target.name;
    return imports.use(`../${target.module}/types.js`, target.name, pascalModule(target.module));
  }
  if (schema.oneOf !== undefined) return schema.oneOf.map((s) => tsType(s, module, imports)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = schema.items === undefined ? 'unknown' : tsType(schema.items, module, imports);
      return /[|&]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object':
      return objectType(schema, module, imports);
    default:
      return 'unknown';
  }
}

function objectType(schema: Schema, module: string, imports: Imports): string {
  if (schema.properties !== undefined) return `{\n${properties(schema, module, imports, '  ', false)}}`;
  const extra = schema.additionalProperties;
  if (typeof extra === 'object') return `Record<string, ${tsType(extra, module, imports)}>`;
  return 'Record<string, unknown>';
}

function properties(schema: Schema, module: string, imports: Imports, indent: string, isList: boolean): string {
  const required = new Set(schema.required ?? []);
  // The server always sends a list's metadata (a Go struct, never omitted): typing it required makes every
  // generated list a KubeList.
  if (isList) required.add('metadata');
  let out = '';
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const key = identifier.test(name) ? name : `'${name}'`;
    out += tsdoc(prop.description, indent);
    out += `${indent}${key}${required.has(name) ? '' : '?'}: ${tsType(prop, module, imports)};\n`;
  }
  return out;
}

/** Renders one schema as an exported interface or type alias. */
export function declaration(schemaName: string, schema: Schema, imports: Imports): string {
  const { module, name } = typeRefOf(schemaName);
  const doc = tsdoc(schema.description, '');
  const override = hand[schemaName];
  if (override !== undefined) return `${doc}export type ${name} = ${override};\n`;
  if (schema.type === 'object' && schema.properties !== undefined) {
    const isList = name.endsWith('List') && schema.properties.items !== undefined;
    return `${doc}export interface ${name} {\n${properties(schema, module, imports, '  ', isList)}}\n`;
  }
  return `${doc}export type ${name} = ${tsType(schema, module, imports)};\n`;
}

/** Returns the first lines of every generated file. */
export function header(summary: string): string {
  return `// Code generated by \`${command}\` from hack/codegen/api/${release}; DO NOT EDIT.\n/** ${summary} */\n`;
}

/** Renders a module's types.ts: every schema of its package. */
export function renderTypes(module: string, schemaNames: readonly string[], schemas: Readonly<Record<string, Schema>>) {
  const names = schemaNames.map((n) => typeRefOf(n).name);
  const imports = new Imports(names);
  const body = schemaNames.map((n) => declaration(n, schemas[n] ?? {}, imports)).join('\n');
  const importLines = imports.render();
  return `${header(`Declares the ${module} API types of Kubernetes ${release}, as plain JSON shapes.`)}${
    importLines === '' ? '' : `${importLines}\n`
  }\n${body}`;
}

const baseVerbs: Readonly<Record<string, readonly string[]>> = {
  get: ['get'],
  list: ['list'],
  watch: ['watch'],
  create: ['create'],
  update: ['update'],
  patch: ['patch', 'apply'],
  delete: ['delete'],
  deletecollection: ['deleteCollection'],
};

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

const typed = '../../typed';

interface ClientContext {
  readonly module: string;
  readonly imports: Imports;
}

function typeIn(ctx: ClientContext, ref: TypeRef): string {
  const path = ref.module === ctx.module ? './types.js' : `../${ref.module}/types.js`;
  return ctx.imports.use(path, ref.name, pascalModule(ref.module));
}

function subresourceMethodText(ctx: ClientContext, r: ResourceModel, sub: SubresourceModel, method: string): string {
  const kind = typeIn(ctx, r.kind);
  const sk = typeIn(ctx, sub.kind);
  const opt = (name: string) => ctx.imports.use(`${typed}/options.js`, name, '');
  const path = `\`${r.resource}/${sub.name}\``;
  switch (method) {
    case 'updateStatus':
      return `  /** Replaces the status of an object (named by its \`metadata.name\`) through ${path}; other fields are ignored. */
  updateStatus(object: ${kind}, options: ${opt('UpdateOptions')} = {}): Promise<${kind}> {
    return this.updateSubresource(object, 'status', object, options);
  }\n`;
    case 'patchStatus':
      return `  /** Patches the status of the named object through ${path}. */
  patchStatus(name: string, format: ${ctx.imports.use(`${typed}/resource-client.js`, 'PatchFormat', '')}, patch: unknown, options: ${opt('PatchOptions')} = {}): Promise<${kind}> {
    return this.patchSubresource(name, ['status'], format, patch, options);
  }\n`;
    case 'applyStatus':
      return `  /** Server-side applies the status fields of \`configuration\` through ${path}. */
  applyStatus(configuration: ${ctx.imports.use(`${typed}/apply-configuration.js`, 'ApplyConfiguration', '')}<${kind}>, options: ${opt('ApplyOptions')}): Promise<${kind}> {
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
  patchScale(name: string, format: ${ctx.imports.use(`${typed}/resource-client.js`, 'PatchFormat', '')}, patch: unknown, options: ${opt('PatchOptions')} = {}): Promise<${sk}> {
    return this.patchSubresource(name, ['scale'], format, patch, options);
  }\n`;
    case 'evict':
      return `  /** Evicts the pod named in the Eviction (${path}): refused with 429 TooManyRequests while a PodDisruptionBudget forbids it. */
  evict(eviction: ${sk}, options: ${opt('CreateOptions')} = {}): Promise<${ctx.imports.use('../../meta.js', 'Status', '')}> {
    return this.createSubresource(eviction, 'eviction', eviction, options);
  }\n`;
    case 'bind':
      return `  /** Binds the object named in the Binding to its target (${path}), as a scheduler does. */
  bind(binding: ${sk}, options: ${opt('CreateOptions')} = {}): Promise<${ctx.imports.use('../../meta.js', 'Status', '')}> {
    return this.createSubresource(binding, 'binding', binding, options);
  }\n`;
    case 'logs':
      ctx.imports.use(`${typed}/query.js`, 'logParams', '', true);
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
  const base = ctx.imports.use(`${typed}/resource-client.js`, 'ResourceClient', '', true);
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
  const base = ctx.imports.use(`${typed}/resource-client.js`, 'ResourceClient', '', true);
  const cls = r.subresources.some((s) => subresourceMethods(s).length > 0)
    ? resourceClassName(r)
    : `${base}<${kind}${list}>`;
  const type = servesAllVerbs(r)
    ? cls
    : `Pick<${cls}, ${pickedMembers(r)
        .map((m) => `'${m}'`)
        .join(' | ')}>`;
  const descriptor = `{ group: '${model.group}', version: '${model.version}', resource: '${r.resource}', namespaced: ${r.namespaced} }`;
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
export function renderClient(model: GroupVersionModel): string {
  const groupClass = `${pascalModule(model.module)}Client`;
  const locals = [groupClass, ...model.resources.map(resourceClassName)];
  const ctx: ClientContext = { module: model.module, imports: new Imports(locals) };
  const classes = model.resources
    .filter((r) => r.subresources.some((s) => subresourceMethods(s).length > 0))
    .map((r) => resourceClass(ctx, r));
  const accessors = model.resources.map((r) => accessor(ctx, model, r));
  const rest = ctx.imports.use('../../rest/rest-client.js', 'RESTClient', '', true);
  const config = ctx.imports.use('../../rest/config.js', 'RestConfig', '');
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
  return `${header(`Implements the typed client of the ${apiName(model)} API of Kubernetes ${release}.`)}${ctx.imports.render()}\n\n${[...classes, group].join('\n')}`;
}

/** Renders clientset.ts: one accessor per served group/version. */
export function renderClientSet(models: readonly GroupVersionModel[]): string {
  const imports = new Imports(['ClientSet']);
  const rest = imports.use('../rest/rest-client.js', 'RESTClient', '', true);
  const config = imports.use('../rest/config.js', 'RestConfig', '');
  const accessors = models.map((m) => {
    const cls = imports.use(`./${m.module}/client.js`, `${pascalModule(m.module)}Client`, '', true);
    const name = `${lowerFirstWord(pascalModule(m.module))}`;
    return `  /** The ${apiName(m)} client. */\n  ${name}(): ${cls} {\n    return new ${cls}(this.rest);\n  }\n`;
  });
  return `${header(`Implements the ClientSet: one typed client per built-in group/version of Kubernetes ${release}.`)}${imports.render()}

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

/** Renders a group module's index.ts. */
export function renderIndex(module: string, hasClient: boolean): string {
  return `${header(`Re-exports the ${module} types${hasClient ? ' and client' : ''}.`)}${
    hasClient ? "export * from './client.js';\n" : ''
  }export * from './types.js';\n`;
}

/** Reads the saved component schemas (one file per schema package) into one map. */
export function readSchemas(dir: string): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  for (const file of readdirSync(dir).sort(cmp)) {
    Object.assign(schemas, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, Schema>);
  }
  return schemas;
}

/** Reads the saved data and writes every module under `out`; returns the paths written, relative to `out`. */
export function generate(dataDir: string, out: string): string[] {
  const read = <T>(name: string): T => JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as T;
  const schemas = readSchemas(join(dataDir, 'openapi-schemas'));
  const models = buildModel([read('discovery-api.json'), read('discovery-apis.json')], schemas);
  const byModule = new Map<string, string[]>();
  for (const name of Object.keys(schemas).sort(cmp)) {
    const { module } = typeRefOf(name);
    byModule.set(module, [...(byModule.get(module) ?? []), name]);
  }
  rmSync(out, { recursive: true, force: true });
  const written: string[] = [];
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
    written.push(path);
  };
  const clients = new Set(models.map((m) => m.module));
  for (const [module, names] of [...byModule.entries()].sort(([a], [b]) => cmp(a, b))) {
    write(`${module}/types.ts`, renderTypes(module, names, schemas));
    write(`${module}/index.ts`, renderIndex(module, clients.has(module)));
  }
  for (const model of models) write(`${model.module}/client.ts`, renderClient(model));
  write('clientset.ts', renderClientSet(models));
  return written;
}

/** Generates into `out` from the repo's saved data, then formats with the repo's biome; returns the paths written. */
export function generateFormatted(root: string, out: string): string[] {
  const written = generate(join(root, 'hack/codegen/api', release), out);
  // Biome sorts the imports and wraps long lines the way the repo's own code is written.
  const biome = spawnSync(join(root, 'node_modules/.bin/biome'), ['check', '--write', out], {
    cwd: root,
    encoding: 'utf8',
  });
  if (biome.status !== 0) throw new Error(`codegen: biome failed on the output:\n${biome.stdout}${biome.stderr}`);
  return written;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && resolve(process.argv[1]) === self) {
  const root = resolve(dirname(self), '../..');
  const written = generateFormatted(root, join(root, 'src/client/kubernetes'));
  console.log(`wrote ${written.length} files under src/client/kubernetes`);
}
