// Validation of YAML documents against schemas/ (ajv 2020 + ajv-formats), and the translation of ajv's errors into
// diagnostics a network engineer can act on: one message per field, the closest known name for a typo, the allowed
// values for an enum, and never the value of a field that was meant to be a secret reference.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { loadAjv2020, precompiledValidator } from '../schema-validators.js';
import { findClosestName } from './closest-name.js';
import { fromPointer, toPointer } from './diagnostic.js';
import type { Diagnostic } from './diagnostic.js';
import type { YamlDocument } from './yaml-document.js';

type SchemaObject = Record<string, unknown> & { description?: string; properties?: Record<string, unknown> };

interface Validators {
  readonly device: ValidateFunction;
  readonly settings: ValidateFunction;
  /** Each subschema of a `$defs` entry -> that entry's name and description. */
  readonly owners: WeakMap<object, Owner>;
  /** The `examples` of each `$defs` entry, by name: the hint of last resort ("for example ..."). */
  readonly examples: ReadonlyMap<string, readonly unknown[]>;
  /** Each anyOf branch, to drop the errors of branches whose type does not fit the data. */
  readonly branches: WeakSet<object>;
  /** The root object of each `$defs` entry. */
  readonly roots: WeakSet<object>;
}

interface Owner {
  readonly def: string;
  readonly description?: string;
}

let validators: Validators | undefined;

function readSchema(name: string): SchemaObject {
  // Same relative location from src/config/ (tests) and dist/config/ (built CLI).
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as SchemaObject;
}

function getValidators(): Validators {
  if (validators !== undefined) return validators;
  const deviceSchema = readSchema('device.schema.json');
  const settingsSchema = readSchema('settings.schema.json');
  // inlineRefs off and verbose on: errors then carry the very schema objects we index below.
  const { Ajv2020: Ajv } = loadAjv2020();
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, inlineRefs: false });
  const addFormats = createRequire(import.meta.url)('ajv-formats') as (a: Ajv2020) => Ajv2020;
  addFormats(ajv);
  ajv.addSchema(deviceSchema);
  ajv.addSchema(settingsSchema);
  const owners = new WeakMap<object, Owner>();
  const examples = new Map<string, readonly unknown[]>();
  const branches = new WeakSet<object>();
  const roots = new WeakSet<object>();
  const defs = (deviceSchema['$defs'] ?? {}) as Record<string, SchemaObject>;
  for (const [def, schema] of Object.entries(defs)) {
    roots.add(schema);
    if (Array.isArray(schema['examples'])) examples.set(def, schema['examples']);
    walkSchema(schema, (node) => {
      owners.set(node, { def, ...(schema.description === undefined ? {} : { description: schema.description }) });
      const anyOf = node['anyOf'];
      if (Array.isArray(anyOf)) for (const b of anyOf) if (typeof b === 'object' && b !== null) branches.add(b);
    });
  }
  validators = {
    device: ajv.getSchema('device.schema.json') as ValidateFunction,
    settings: ajv.getSchema('settings.schema.json') as ValidateFunction,
    owners,
    examples,
    branches,
    roots,
  };
  return validators;
}

function walkSchema(node: unknown, visit: (node: SchemaObject) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walkSchema(n, visit);
  } else if (typeof node === 'object' && node !== null) {
    visit(node as SchemaObject);
    for (const v of Object.values(node)) walkSchema(v, visit);
  }
}

export function validateDeviceDocument(doc: YamlDocument, file: string): Diagnostic[] {
  if (precompiledValidator('device')?.(doc.value) === true) return [];
  const v = getValidators();
  return v.device(doc.value) ? [] : describeErrors(v.device.errors ?? [], doc, file, v);
}

export function validateSettingsDocument(doc: YamlDocument, file: string): Diagnostic[] {
  if (precompiledValidator('settings')?.(doc.value) === true) return [];
  const v = getValidators();
  return v.settings(doc.value) ? [] : describeErrors(v.settings.errors ?? [], doc, file, v);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeFits(schema: SchemaObject, value: unknown): boolean {
  const t = schema['type'];
  if (t === undefined) return true;
  const actual = jsonType(value);
  const types = Array.isArray(t) ? t : [t];
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping (key: value fields)',
  array: 'a list',
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

/** `for example 22 or 443`, from a schema's examples; objects in YAML flow style (`{ env: NAME }`). */
function exampleHint(examples: readonly unknown[] | undefined): string | undefined {
  if (!examples || examples.length === 0) return undefined;
  const show = (x: unknown): string =>
    typeof x === 'object' && x !== null
      ? `{ ${Object.entries(x)
          .map(([k, val]) => `${k}: ${String(val)}`)
          .join(', ')} }`
      : String(x);
  return `for example ${examples.map(show).join(' or ')}`;
}

/** A secret reference, or a mapping with one among its fields (credentials, logs.proxy): its keys may be secrets. */
function holdsSecrets(schema: SchemaObject, v: Validators): boolean {
  if (v.owners.get(schema)?.def === 'secretRef' && v.roots.has(schema)) return true;
  return Object.values(schema.properties ?? {}).some(
    (p) => typeof p === 'object' && p !== null && (p as SchemaObject)['$ref'] === '#/$defs/secretRef',
  );
}

const LITERAL_SECRET_HINT =
  'keep secrets out of git: write { env: VARIABLE } or { file: /path/to/secret } and put the value there';

function describeErrors(errors: ErrorObject[], doc: YamlDocument, file: string, v: Validators): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  // Every diagnostic carries a hint; where a rule has none of its own, the field's examples from the schema.
  let fallbackHint: string | undefined;
  const add = (
    pathSegments: string[],
    message: string,
    hint?: string,
    at: 'key' | 'value' = 'value',
    located: string[] = pathSegments,
  ): void => {
    const path = toPointer(pathSegments);
    const key = `${path}\u0000${message}`;
    if (out.has(key)) return;
    const h = hint ?? fallbackHint;
    out.set(key, { file, ...doc.locate(located, at), path, message, ...(h === undefined ? {} : { hint: h }) });
  };
  for (const e of errors) {
    const parent = (e.parentSchema ?? {}) as SchemaObject;
    const owner = v.owners.get(parent);
    fallbackHint = exampleHint(owner ? v.examples.get(owner.def) : undefined);
    const nounPhrase = owner?.description !== undefined && /^(a|an|text) /.test(owner.description);
    const segments = fromPointer(e.instancePath);
    // A branch of an anyOf written for another type (a string where an object was given) says nothing useful.
    if (v.branches.has(parent) && !typeFits(parent, e.data)) continue;
    switch (e.keyword) {
      case 'if':
      case 'false schema':
        // The schema's per-platform if/then: checkPlatformFields reports these with a better hint.
        continue;
      case 'anyOf': {
        const branches = (e.schema ?? []) as SchemaObject[];
        if (branches.some((b) => typeFits(b, e.data))) continue; // the fitting branch reports the detail
        add(segments, nounPhrase ? `expected ${owner?.description}` : 'unexpected value');
        break;
      }
      case 'required': {
        const missing = String((e.params as { missingProperty: string }).missingProperty);
        const field = parent.properties?.[missing] as SchemaObject | undefined;
        const ref = typeof field?.['$ref'] === 'string' ? field['$ref'].replace(/^.*#\/\$defs\//, '') : undefined;
        const example = exampleHint(ref ? v.examples.get(ref) : undefined);
        add(
          [...segments, missing],
          `missing required field "${missing}"`,
          example ? `add ${missing}: ${example}` : 'examples/devices/ holds a complete definition per platform',
        );
        break;
      }
      case 'additionalProperties': {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys(parent.properties ?? {});
        const closest = findClosestName(field, known);
        const hint = closest !== undefined ? `did you mean "${closest}"?` : `known fields: ${known.join(', ')}`;
        if (holdsSecrets(parent, v)) {
          // `password: { hunter2 }` makes the password a key: never echo a key where secrets live.
          add(segments, 'an unknown key (not shown: it may be a secret)', hint, 'key', [...segments, field]);
        } else {
          add([...segments, field], `unknown field "${field}"`, hint, 'key');
        }
        break;
      }
      case 'enum': {
        const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
        const closest = typeof e.data === 'string' ? findClosestName(e.data, allowed) : undefined;
        const suffix = closest !== undefined && closest !== e.data ? `; did you mean "${closest}"?` : '';
        add(segments, 'not an allowed value', `allowed values: ${allowed.join(', ')}${suffix}`);
        break;
      }
      case 'type': {
        if (owner?.def === 'secretRef' && v.roots.has(parent) && jsonType(e.data) !== 'object') {
          add(segments, 'a literal secret is not allowed here', LITERAL_SECRET_HINT);
        } else if (nounPhrase) {
          add(segments, `expected ${owner?.description}`);
        } else {
          const t = String((e.params as { type: string }).type);
          add(segments, `expected ${TYPE_WORDS[t] ?? t}`);
        }
        break;
      }
      case 'minProperties':
      case 'maxProperties': {
        const names = Object.keys(parent.properties ?? {});
        add(segments, `expected exactly one of: ${names.join(', ')}`, owner?.description);
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const { comparison, limit } = e.params as { comparison: string; limit: number };
        if (nounPhrase && v.roots.has(parent)) {
          add(segments, `expected ${owner?.description}`);
        } else {
          add(segments, `must be ${comparison} ${limit}`, parent.description);
        }
        break;
      }
      case 'uniqueItems': {
        const { i, j } = e.params as { i: number; j: number };
        add(segments, `duplicate entries (items ${j} and ${i})`, 'list each value once');
        break;
      }
      case 'minItems':
      case 'maxItems': {
        const { limit } = e.params as { limit: number };
        add(segments, `expected ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${limit} items`);
        break;
      }
      default:
        // pattern, format, minLength, maxLength and the like: the schema's own description says what is expected.
        add(segments, nounPhrase ? `expected ${owner?.description}` : (e.message ?? 'invalid value'));
    }
  }
  return [...out.values()];
}
