// The tool version (from package.json, one source of truth), printed by `tscm --version` and kept in plans.
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
export const TOOL_VERSION: string = pkg.version;
