/** Checks a custom resource definition's names, versions and subresource paths as the apiserver will. */
import type { CustomResourceDefinitionNames, JSONSchemaProps } from '../client/kubernetes/apiextensions-v1/types.js';
import { type Fail, schemaAt } from './structural.js';
import type { CustomResourceOptions, CustomResourceVersionOptions, PrinterColumn, ScaleDefinition } from './types.js';

const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const printerColumnTypes = new Set(['integer', 'number', 'string', 'boolean', 'date']);
const selectableTypes = new Set(['string', 'integer', 'boolean']);
// The apiserver's limit on selectableFields per version.
const maxSelectableFields = 8;

function checkLabel(value: string, field: string, fail: Fail): void {
  if (value.length > 63 || !dns1035Label.test(value)) {
    fail(field, `"${value}" must be a lowercase DNS-1035 label: a-z, 0-9 and '-', starting with a letter, ≤ 63`);
  }
}

function checkGroup(group: string, fail: Fail): void {
  const labels = group.split('.');
  if (group.length > 253 || !labels.every((l) => l.length <= 63 && dns1123Label.test(l))) {
    fail('group', `"${group}" must be a lowercase DNS subdomain such as example.com`);
  }
  if (labels.length < 2) fail('group', `"${group}" must be a domain with at least one dot, such as example.com`);
}

/** English plural of a lowercase kind, as kube-rs and kubebuilder default it; `plural` overrides it. */
export function pluralize(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** The CRD's names, defaults filled in; fails at the first name the apiserver would refuse. */
export function resolveNames(options: CustomResourceOptions, fail: Fail): CustomResourceDefinitionNames {
  checkGroup(options.group, fail);
  const { kind } = options;
  if (kind.length > 63 || !dns1035Label.test(kind.toLowerCase())) {
    fail('kind', `"${kind}" must be CamelCase letters and digits, starting with a letter`);
  }
  const lower = kind.toLowerCase();
  const names: CustomResourceDefinitionNames = {
    kind,
    listKind: options.listKind ?? `${kind}List`,
    plural: options.plural ?? pluralize(lower),
    singular: options.singular ?? lower,
  };
  checkLabel(names.plural, 'plural', fail);
  checkLabel(names.singular ?? '', 'singular', fail);
  if (names.listKind === kind) fail('listKind', 'must differ from kind');
  if (options.scope !== 'Namespaced' && options.scope !== 'Cluster') fail('scope', 'must be Namespaced or Cluster');
  if (options.shortNames !== undefined) {
    for (const [i, name] of options.shortNames.entries()) checkLabel(name, `shortNames[${i}]`, fail);
    names.shortNames = [...options.shortNames];
  }
  if (options.categories !== undefined) {
    for (const [i, name] of options.categories.entries()) checkLabel(name, `categories[${i}]`, fail);
    names.categories = [...options.categories];
  }
  return names;
}

/** Fails unless the versions have unique valid names and exactly one is the storage version. */
export function checkVersions(versions: readonly CustomResourceVersionOptions[], fail: Fail): void {
  if (versions.length === 0) fail('versions', 'must list at least one version');
  const seen = new Set<string>();
  for (const [i, version] of versions.entries()) {
    checkLabel(version.name, `versions[${i}].name`, fail);
    if (seen.has(version.name)) fail(`versions[${i}].name`, `"${version.name}" is listed twice`);
    seen.add(version.name);
    if (version.deprecationWarning !== undefined && version.deprecated !== true) {
      fail(`versions[${i}].deprecationWarning`, 'needs deprecated: true');
    }
  }
  const storage = versions.flatMap((v, i) => (v.storage ? [i] : []));
  if (storage.length === 0) fail('versions', 'no version has storage: true; exactly one must');
  if (storage.length > 1) {
    fail(
      `versions[${storage[1]}].storage`,
      `versions ${storage.map((i) => versions[i]?.name).join(' and ')} both have storage: true; exactly one may`,
    );
  }
}

/** The type of the field at `path`, failing at `field` if the schema lacks it or it is not one of `types`. */
function checkFieldType(
  root: JSONSchemaProps,
  path: string,
  types: ReadonlySet<string>,
  field: string,
  fail: Fail,
): void {
  const schema = schemaAt(root, path);
  if (schema === undefined || schema === 'open') fail(field, `${path} is not a field of the schema`);
  if (!types.has(schema.type ?? '')) {
    fail(field, `${path} is ${schema.type ?? 'untyped'}; it must be ${[...types].join(' or ')}`);
  }
}

/** Fails unless the scale paths, printer columns and selectable fields of a version name fields of `root`. */
export function checkPaths(version: CustomResourceVersionOptions, root: JSONSchemaProps, at: string, fail: Fail): void {
  if (version.scale !== undefined) checkScale(version.scale, root, `${at}.scale`, fail);
  for (const [i, column] of (version.printerColumns ?? []).entries()) {
    checkColumn(column, root, `${at}.printerColumns[${i}]`, fail);
  }
  const selectable = version.selectableFields ?? [];
  if (selectable.length > maxSelectableFields) {
    fail(`${at}.selectableFields`, `at most ${maxSelectableFields} fields may be selectable`);
  }
  for (const [i, path] of selectable.entries()) {
    const field = `${at}.selectableFields[${i}]`;
    if (!/^\.(spec|status)\./.test(path)) fail(field, `${path} must be a field under .spec or .status`);
    if (selectable.indexOf(path) !== i) fail(field, `${path} is listed twice`);
    checkFieldType(root, path, selectableTypes, field, fail);
  }
}

function checkScale(scale: ScaleDefinition, root: JSONSchemaProps, at: string, fail: Fail): void {
  const integer = new Set(['integer']);
  if (!scale.specReplicasPath.startsWith('.spec.')) fail(`${at}.specReplicasPath`, 'must be under .spec');
  if (!scale.statusReplicasPath.startsWith('.status.')) fail(`${at}.statusReplicasPath`, 'must be under .status');
  checkFieldType(root, scale.specReplicasPath, integer, `${at}.specReplicasPath`, fail);
  checkFieldType(root, scale.statusReplicasPath, integer, `${at}.statusReplicasPath`, fail);
  if (scale.labelSelectorPath !== undefined) {
    checkFieldType(root, scale.labelSelectorPath, new Set(['string']), `${at}.labelSelectorPath`, fail);
  }
}

/** A column's path may reach into fields kept unknown; one that names a missing spec or status field is a typo. */
function checkColumn(column: PrinterColumn, root: JSONSchemaProps, at: string, fail: Fail): void {
  if (column.name === '') fail(`${at}.name`, 'must not be empty');
  if (!printerColumnTypes.has(column.type)) fail(`${at}.type`, `must be one of ${[...printerColumnTypes].join(', ')}`);
  if (!column.jsonPath.startsWith('.')) fail(`${at}.jsonPath`, 'must be a JSON path starting with .');
  if (/^\.(spec|status)\./.test(column.jsonPath) && schemaAt(root, column.jsonPath) === undefined) {
    fail(`${at}.jsonPath`, `${column.jsonPath} is not a field of the schema`);
  }
}
