/**
 * Register catalog, kernel history and host profiles: the public API.
 *
 * Catalog
 *   loadBuiltinCatalog(): Catalog
 *       The shipped catalog (catalog/builtin.json, generated from the TSV data
 *       and checked by a test). Synchronous, cached, no YAML or schema work.
 *   loadCatalog(opts: { files?: string[] }): { catalog: Catalog; diagnostics: Diagnostic[] }
 *       The built-in catalog extended/overridden by user catalog files (same
 *       YAML format as catalog/registers.yaml). Entries with an id already
 *       known replace it; new ids are added. Errors (MTC21xx) carry file and
 *       line:column; a file with errors contributes nothing.
 *   suggestNames(catalog, name, max = 3): string[]
 *       Closest catalog names for an unknown name, best first.
 *
 * Ids and names (./regid.js, re-exported here)
 *   decodeId / encodeId / qemuName / parseQemuName / parseRegisterTuple /
 *   describeFields / encodeSysreg / decodeSysreg / parseGenericSysregName /
 *   genericSysregName / idHex / parseIdHex.
 *
 * Kernel history and host profiles
 *   loadBuiltinHistory(): KernelHistory           catalog/kernels.yaml (pre-compiled)
 *   loadHistory(file): { history, diagnostics }   a user history file
 *   loadBuiltinProfiles(): HostProfile[]          catalog/hosts/*.yaml, sorted by name
 *   loadProfile(file): { profile, diagnostics }   a profile YAML, or a captured list
 *   findProfile(name): HostProfile | undefined    a built-in profile by name
 *   registerList(profile, catalog, history): bigint[]
 *       What KVM_GET_REG_LIST returns for a plain guest on that host (or, for
 *       `accel: tcg`, the cpreg indexes QEMU migrates that differ by version),
 *       minus core and SVE registers, sorted ascending, unique.
 *   compareVersions(a, b): number, kernelListsRegister(...) for explanations.
 */
export type { Catalog, RegisterInfo, RegisterClass } from './types.js';
export { MapCatalog, suggestNames, type RegisterEntryData } from './catalog.js';
export { editDistance } from '../util/words.js';
export { loadBuiltinCatalog, cloneBuiltinCatalog } from './builtin.js';
export { loadCatalog, type LoadCatalogOptions } from './load.js';
export * from './regid.js';
export {
  loadBuiltinHistory,
  compileHistory,
  compareVersions,
  presenceAt,
  isListed,
  featureSet,
  normalizeFeature,
  resolveRegisterSpec,
  describeTimeline,
  type KernelHistory,
  type BaselineEntry,
  type PresenceChange,
  type WritableChange,
  type TcgChange,
  type Presence,
  type CompiledHistory,
  type RegisterTimeline,
} from './history.js';
export { loadHistory } from './history-file.js';
export { registerList, loadBuiltinProfiles, loadProfile, findProfile, profileFromData, type HostProfile } from './profile.js';
export { importSysregFile, importSysregCatalogYaml } from './import-sysreg.js';
