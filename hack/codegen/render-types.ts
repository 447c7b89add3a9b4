/** Renders OpenAPI schemas as TypeScript declarations, with the imports each generated file needs. */
import { cmp, hand, pascalModule, release, type Schema, typeRefOf } from './model.ts';

const command = 'npx node hack/codegen/generate.ts';

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

export const baseVerbs: Readonly<Record<string, readonly string[]>> = {
  get: ['get'],
  list: ['list'],
  watch: ['watch'],
  create: ['create'],
  update: ['update'],
  patch: ['patch', 'apply'],
  delete: ['delete'],
  deletecollection: ['deleteCollection'],
};
