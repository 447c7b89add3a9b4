/** Tells patches and apply how a field of a built-in kind or a custom resource merges: nested object or list kind. */
import { builtinKinds, builtinSchemas } from './builtin-schemas.js';
import { isRecord } from './objects.js';
import type { ResourceType } from './registry.js';

/** How a list merges. `map` lists are keyed by `keys`; `set` lists hold unique scalars. */
export interface ListSchema {
  readonly kind: 'list';
  readonly listType: 'atomic' | 'map' | 'set';
  readonly keys: readonly string[];
  /** Strategic merge patch: `merge` (by `mergeKey`, or union for scalars) or replace. */
  readonly patchMerge: boolean;
  readonly mergeKey: string | undefined;
  readonly items: ObjectSchema | undefined;
}

/** A nested object whose fields may have merge semantics. */
export interface ObjectSchema {
  readonly kind: 'object';
  field(name: string): FieldSchema | undefined;
}

export type FieldSchema = ListSchema | ObjectSchema;

/** The merge schema of a built-in kind, or of a CRD version's openAPIV3Schema; undefined when unknown. */
export function schemaFor(type: ResourceType): ObjectSchema | undefined {
  if (type.custom) return isRecord(type.custom.schema) ? openApiObject(type.custom.schema) : undefined;
  const index = builtinKinds[`${type.group}/${type.version}/${type.kind}`];
  return index === undefined ? undefined : builtinObject(index);
}

function builtinObject(index: number): ObjectSchema {
  return {
    kind: 'object',
    field(name) {
      const entry = builtinSchemas[index]?.[name];
      if (entry === undefined) return undefined;
      if (typeof entry === 'number') return builtinObject(entry);
      const [items, listType, keys, strategy, mergeKey] = entry.split('|') as [string, string, string, string, string];
      return {
        kind: 'list',
        listType: listType === 'map' || listType === 'set' ? listType : 'atomic',
        keys: keys === '' ? [] : keys.split(','),
        patchMerge: strategy.split(',').includes('merge'),
        mergeKey: mergeKey === '' ? undefined : mergeKey,
        items: items === '' ? undefined : builtinObject(Number(items)),
      };
    },
  };
}

function openApiObject(schema: Record<string, unknown>): ObjectSchema {
  return {
    kind: 'object',
    field(name) {
      const properties = isRecord(schema.properties) ? schema.properties : undefined;
      const child = properties?.[name] ?? schema.additionalProperties;
      if (!isRecord(child)) return undefined;
      if (child.type === 'array') {
        const listType = child['x-kubernetes-list-type'];
        const keys = child['x-kubernetes-list-map-keys'];
        return {
          kind: 'list',
          listType: listType === 'map' || listType === 'set' ? listType : 'atomic',
          keys: Array.isArray(keys) ? keys.map(String) : [],
          patchMerge: false,
          mergeKey: undefined,
          items: isRecord(child.items) ? openApiObject(child.items) : undefined,
        };
      }
      return openApiObject(child);
    },
  };
}
