import { readFileSync } from 'node:fs';
import { MapCatalog, entryFromData, type RegisterEntryData } from './catalog.js';
import { packageRootUrl } from '../util/package-root.js';


let cached: MapCatalog | undefined;

/**
 * The shipped catalog, from its pre-compiled JSON (catalog/builtin.json,
 * generated from catalog/registers.yaml's sources and checked by a test), so
 * start-up neither parses YAML nor runs a schema validator. Cached.
 */
export function loadShippedCatalog(): MapCatalog {
  if (cached) return cached;
  const data = JSON.parse(readFileSync(new URL('catalog/builtin.json', packageRootUrl()), 'utf8')) as { registers: RegisterEntryData[] };
  cached = new MapCatalog(data.registers.map((d) => entryFromData(d, 'builtin')));
  return cached;
}

/** The built-in catalog (the shipped one). Code that takes a catalog as a parameter defaults to it. */
export function loadBuiltinCatalog(): MapCatalog {
  return loadShippedCatalog();
}

/** A fresh copy of the shipped catalog that callers may extend. */
export function cloneBuiltinCatalog(): MapCatalog {
  return new MapCatalog(loadShippedCatalog().entries());
}
