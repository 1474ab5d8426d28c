// JSON Schema (2020-12) validation of tscm's own files (plan, state). The schemas live in schemas/ at the package
// root, found relative to this module so it works from src/ (tests) and from dist/ (the installed CLI).

import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ConfigError, InternalError } from '../errors.js';
import { loadAjv2020, precompiledValidator } from '../schema-validators.js';
import { printable, QUOTE_LIMIT } from './message-text.js';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const compiled = new Map<string, ValidateFunction>();

/** How many schema violations an error message lists. */
const MAX_LISTED = 10;

function validatorFor(schemaFile: string): ValidateFunction {
  let validate = compiled.get(schemaFile);
  if (!validate) {
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(new URL(schemaFile, SCHEMA_DIR), 'utf8'));
    } catch (err) {
      throw new InternalError(`cannot load schema ${schemaFile}: ${(err as Error).message}`);
    }
    // allErrors: report every problem at once (DESIGN.md convention 10); strict catches typos in our schemas.
    const { Ajv2020 } = loadAjv2020();
    validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema as object);
    compiled.set(schemaFile, validate);
  }
  return validate;
}

/** Throws ConfigError naming `what` (usually a file) and each violation with its JSON path. */
export function assertMatchesSchema(
  schema: 'plan' | 'state' | 'status',
  doc: unknown,
  what: string,
  hint: string,
): void {
  if (precompiledValidator(schema)?.(doc) === true) return;
  const schemaFile = `${schema}.schema.json`;
  const validate = validatorFor(schemaFile);
  if (validate(doc)) return;
  const errors = validate.errors ?? [];
  const listed = errors.slice(0, MAX_LISTED).map(describeError);
  const more = errors.length > MAX_LISTED ? `; and ${errors.length - MAX_LISTED} more` : '';
  throw new ConfigError(`${what} does not match ${schemaFile}: ${listed.join('; ')}${more}`, hint);
}

/** One violation; a key or path from the file is escaped and cut (it may hold a newline or be megabytes long). */
function describeError(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(root)' : printable(e.instancePath, 2 * QUOTE_LIMIT);
  const extra = e.keyword === 'additionalProperties' ? ` '${printable(String(e.params['additionalProperty']))}'` : '';
  return `${at} ${e.message ?? e.keyword}${extra}`;
}
