// Validators pre-compiled from schemas/ at build time (scripts/build-validators.mjs), so a CLI start does not load
// ajv and compile the schemas (about 60 ms). They answer valid / invalid only: callers explain a failure with ajv
// at run time, which the common, valid path never pays for. Running from src/ (tests) there is no generated file,
// and callers use ajv for every document: both paths come from the same schema files. One generated module per
// schema, loaded on first use: `tscm validate` never reads the plan, state or status validators.

import { createRequire } from 'node:module';
import type * as Ajv2020Module from 'ajv/dist/2020.js';

export type SchemaName = 'device' | 'settings' | 'plan' | 'state' | 'status';
export type QuickValidator = (doc: unknown) => boolean;

const loaded = new Map<SchemaName, QuickValidator | undefined>();

export function precompiledValidator(name: SchemaName): QuickValidator | undefined {
  if (!loaded.has(name)) {
    let validator: QuickValidator | undefined;
    try {
      validator = (createRequire(import.meta.url)(`./schema-validators/${name}.cjs`) as { validate: QuickValidator })
        .validate;
    } catch {
      validator = undefined;
    }
    loaded.set(name, validator);
  }
  return loaded.get(name);
}

/** ajv (CommonJS) loaded on first use, so a valid run never pays for it. */
export function loadAjv2020(): typeof Ajv2020Module {
  return createRequire(import.meta.url)('ajv/dist/2020.js') as typeof Ajv2020Module;
}
