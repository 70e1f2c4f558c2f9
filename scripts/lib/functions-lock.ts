/**
 * functions/package-lock.json: the lockfile Cloud Build installs the deployed functions from.
 * `firebase deploy` uploads functions/ alone, so the root lockfile (which CI installs and tests)
 * does not reach Cloud Build. This derives the functions' lockfile from the root one — the same
 * packages at the same versions — and checks a committed copy against it. Pure.
 */

/** One package entry of a lockfile v3 (only the fields read here are typed). */
export interface LockEntry {
  name?: string;
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

/** A package-lock.json, version 3. */
export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** The workspace folder that is deployed alone. */
export const FUNCTIONS_WORKSPACE = 'functions';

/** Where a lockfile path's own dependencies are looked up from, one level up. */
function parentOf(path: string): string | undefined {
  if (path === '') return undefined;
  const at = path.lastIndexOf('node_modules/');
  if (at <= 0) return '';
  return path.slice(0, at - 1);
}

/** Node's lookup of `name` required from the package at `from`, within the lockfile. */
function resolveIn(packages: Lockfile['packages'], from: string, name: string): string | undefined {
  for (let base: string | undefined = from; base !== undefined; base = parentOf(base)) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (Object.hasOwn(packages, candidate)) return candidate;
  }
  return undefined;
}

/** The dependency edges of an entry: name → whether the edge is optional. */
function edgesOf(entry: LockEntry): [string, boolean][] {
  const edges: [string, boolean][] = [];
  for (const name of Object.keys(entry.dependencies ?? {})) edges.push([name, false]);
  for (const name of Object.keys(entry.optionalDependencies ?? {})) edges.push([name, true]);
  for (const name of Object.keys(entry.peerDependencies ?? {}))
    edges.push([name, entry.peerDependenciesMeta?.[name]?.optional === true]);
  return edges;
}

/**
 * The functions' lockfile as the root lockfile resolves it: every package the workspace needs,
 * at the version and path the root install has, re-rooted at the workspace folder.
 */
export function deriveFunctionsLock(root: Lockfile, workspace = FUNCTIONS_WORKSPACE): Lockfile {
  const manifest = root.packages[workspace];
  if (!manifest) throw new Error(`the root lockfile has no workspace "${workspace}"`);
  const required = new Set<string>();
  const reached = new Set<string>();
  const queue: [string, boolean][] = [[workspace, false]];
  while (queue.length > 0) {
    const [path, optional] = queue.shift() as [string, boolean];
    const known = optional ? reached.has(path) : required.has(path);
    if (known) continue;
    reached.add(path);
    if (!optional) required.add(path);
    const entry = root.packages[path] as LockEntry;
    for (const [name, optionalEdge] of edgesOf(entry)) {
      const target = resolveIn(root.packages, path, name);
      if (target === undefined) {
        if (optionalEdge) continue;
        throw new Error(`${name}, needed by ${path}, is missing from the root lockfile`);
      }
      queue.push([target, optional || optionalEdge]);
    }
  }
  reached.delete(workspace);
  const prefix = `${workspace}/`;
  const packages: Record<string, LockEntry> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      ...pick(manifest, ['license', 'dependencies', 'engines']),
    },
  };
  for (const path of [...reached].sort()) {
    const target = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    if (Object.hasOwn(packages, target))
      throw new Error(`${target} is needed at two versions; regenerate the lockfile with npm`);
    const {
      dev: _dev,
      optional: _optional,
      devOptional: _devOptional,
      ...entry
    } = root.packages[path] as LockEntry;
    packages[target] = required.has(path) ? entry : { ...entry, optional: true };
  }
  return {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages,
  };
}

function pick(entry: LockEntry, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => entry[f] !== undefined).map((f) => [f, entry[f]]));
}

/** Installed packages of a lockfile, path → version (links and the root left out). */
export function lockedVersions(lock: Lockfile): Map<string, string> {
  const versions = new Map<string, string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link || entry.version === undefined) continue;
    versions.set(path, entry.version);
  }
  return versions;
}

/**
 * What is wrong with the committed functions lockfile: it must exist, list exactly the
 * dependencies of functions/package.json, and pin every package at the version the root
 * lockfile (the one CI installs and tests) resolves. Empty when it is in step.
 */
export function checkFunctionsLock(
  committed: Lockfile | undefined,
  manifestDependencies: Record<string, string>,
  root: Lockfile,
): string[] {
  const fix = 'run `npm run lock:functions` and commit functions/package-lock.json';
  if (!committed) return [`functions/package-lock.json is missing: ${fix}`];
  const problems: string[] = [];
  const declared = committed.packages['']?.dependencies ?? {};
  if (JSON.stringify(sorted(declared)) !== JSON.stringify(sorted(manifestDependencies)))
    problems.push(
      `functions/package-lock.json lists other dependencies than functions/package.json: ${fix}`,
    );
  let expected: Map<string, string>;
  try {
    expected = lockedVersions(deriveFunctionsLock(root));
  } catch (error) {
    return [...problems, `cannot derive the functions' lockfile: ${(error as Error).message}`];
  }
  const actual = lockedVersions(committed);
  const differences: string[] = [];
  for (const [path, version] of expected) {
    const locked = actual.get(path);
    if (locked !== version)
      differences.push(`${path}: ${locked ?? 'missing'} (tested: ${version})`);
  }
  for (const [path, version] of actual)
    if (!expected.has(path)) differences.push(`${path}: ${version} (not in the tested tree)`);
  if (differences.length > 0) {
    const shown = differences.slice(0, 8).join('; ');
    const more = differences.length > 8 ? ` and ${differences.length - 8} more` : '';
    problems.push(
      `functions/package-lock.json differs from the versions the root lockfile installs (${shown}${more}): ${fix}`,
    );
  }
  return problems;
}

function sorted(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
