// What a platform folder exports from its platform.ts: pure data about the platform (its YAML settings as JSON
// Schema fragments, defaults, traits, the names its groups take) and a lazy loader of its driver. The config layer
// reads these through registry.ts to build and check device definitions; only a connect loads the driver code.

import type { DriverFactory } from './driver.js';

export interface PlatformTraits {
  readonly families: readonly ('v4' | 'v6')[];
  /** A group an ACL uses and the policy would empty: left empty ('allowed', IOS) or held by a shim address. */
  readonly emptyInUseGroup: 'allowed' | 'shim';
  /** HA peers: each endpoint is configured ('each-endpoint') or only the active unit, the standby following. */
  readonly ha: 'each-endpoint' | 'active-only';
  /** The longest object-group name the device takes. */
  readonly maxNameLength: number;
  /** The platform's practical member limit when the device does not state one (documented: see the README). */
  readonly capacity: PlatformCapacity;
}

/** A documented default limit: entries (group members, or the expanded ACEs they become) a device holds. */
export interface PlatformCapacity {
  readonly limit: number;
  /** Where the figure comes from, shown in the plan ("FWSM 3.1 configuration guide: 80K rules"). */
  readonly detail: string;
}

/**
 * One YAML setting a platform has, by its path in a device document (`advanced.compressConfig`, `hostKey`). The
 * JSON Schema fragment is composed into schemas/device.schema.json; absent, the base schema defines the field
 * (shared ones such as hostKey) and the platform only declares that it has it.
 */
export interface PlatformSetting {
  readonly schema?: Readonly<Record<string, unknown>>;
  /** What to do instead on a platform without the setting (the hint of the error). */
  readonly elsewhere?: string;
  /** A check the schema cannot make (a regex that compiles): the problem, or undefined. */
  readonly check?: (value: unknown) => { readonly message: string; readonly hint: string } | undefined;
  /** The value the driver sees (a fingerprint in one canonical form); default: as written. */
  readonly normalise?: (value: unknown) => unknown;
}

export interface PlatformModule {
  /** The `platform:` value of a device. */
  readonly platform: string;
  readonly title: string;
  readonly defaults: {
    readonly port: number;
    readonly groups: { readonly block: string; readonly allow: string };
  };
  readonly traits: PlatformTraits;
  readonly settings: Readonly<Record<string, PlatformSetting>>;
  /**
   * The names the device gives a logical group NAME besides NAME itself (IOS: NAME-v6; ASA: NAME-1, NAME-2, ...):
   * `suffixes` for the longest one (length checks), `derived` to tell whether another name is one of them.
   */
  readonly groupNames: {
    readonly longestSuffix: string;
    readonly derived: (name: string, other: string) => boolean;
    /** How the derived names are formed, for messages (`NAME-v6`, `NAME-<n>`). */
    readonly pattern: string;
  };
  /**
   * Another platform whose driver can reconcile the same device when this one cannot (asa-rest -> asa over SSH):
   * handed to the driver as DriverContext.fallback, used only where the device's settings opt in.
   */
  readonly fallback?: string;
  /** Loads the driver (dynamic import of the folder's index.ts), only when a device is connected. */
  load(): Promise<DriverFactory>;
}

/** The options of a device that belong to its platform, by setting path (`advanced.compressConfig`). */
export type PlatformOptions = Readonly<Record<string, unknown>>;
