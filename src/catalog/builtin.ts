import { readFileSync } from 'node:fs';
import { MapCatalog, entryFromData, type RegisterEntryData } from './catalog.js';
import { packageRootUrl } from '../util/package-root.js';

/** Repository/package root, found from this module wherever it was built or bundled to. */
export const packageRoot = packageRootUrl();

let cached: MapCatalog | undefined;
let forRun: MapCatalog | undefined;

/**
 * The shipped catalog, from its pre-compiled JSON (catalog/builtin.json,
 * generated from catalog/registers.yaml's sources and checked by a test), so
 * start-up neither parses YAML nor runs a schema validator. Cached.
 */
export function loadShippedCatalog(): MapCatalog {
  if (cached) return cached;
  const data = JSON.parse(readFileSync(new URL('catalog/builtin.json', packageRoot), 'utf8')) as { registers: RegisterEntryData[] };
  cached = new MapCatalog(data.registers.map((d) => entryFromData(d, 'builtin')));
  return cached;
}

/**
 * The catalog of this run: the shipped one, or what `--catalog` made of it
 * once the command line called useCatalogForRun(). Code that takes a catalog
 * as a parameter defaults to this one.
 */
export function loadBuiltinCatalog(): MapCatalog {
  return forRun ?? loadShippedCatalog();
}

/**
 * Makes `catalog` (the shipped one extended by `--catalog`) the default of
 * every piece of code that takes the built-in catalog when given none, for
 * the rest of this process: the simulator's host models and messages, which
 * `simulate` and the matrix of `diff` build deep inside. The command line calls
 * it once, before the command runs; code that is given a catalog uses that.
 */
export function useCatalogForRun(catalog: MapCatalog): void {
  forRun = catalog;
}

/** A fresh copy of the shipped catalog that callers may extend. */
export function cloneBuiltinCatalog(): MapCatalog {
  return new MapCatalog(loadShippedCatalog().entries());
}
