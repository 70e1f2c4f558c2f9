/**
 * What `firebase deploy` would upload, listed with the firebase CLI's own file walkers (the
 * functions source archive and the hosting file list), so the dry run shows exactly those
 * files; plus the triggers the functions bundle declares and a summary of the Firestore rules and
 * indexes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { FirebaseJson } from './deploy-preflight.ts';

const require = createRequire(import.meta.url);

/** One file that would be uploaded. */
export interface UploadFile {
  path: string;
  bytes: number;
}

type ReaddirRecursive = (options: {
  path: string;
  ignoreStrings: string[];
}) => Promise<{ name: string }[]>;
type ListFiles = (cwd: string, ignore?: string[]) => string[];

function withSizes(base: string, paths: string[]): UploadFile[] {
  return paths
    .map((path) => ({ path, bytes: statSync(join(base, path)).size }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The files of the functions source archive (firebase-tools' prepareFunctionsUpload walk). */
export async function functionsUploadFiles(
  root: string,
  firebase: FirebaseJson,
): Promise<UploadFile[]> {
  const { readdirRecursive } = require('firebase-tools/lib/fsAsync.js') as {
    readdirRecursive: ReaddirRecursive;
  };
  const config = firebase.functions?.[0];
  const source = join(root, config?.source ?? 'functions');
  // The same ignore list the CLI builds: the configured one plus its own additions.
  const ignore = [
    ...(config?.ignore ?? ['node_modules', '.git']),
    'firebase-debug.log',
    'firebase-debug.*.log',
    '.runtimeconfig.json',
  ];
  const files = await readdirRecursive({ path: source, ignoreStrings: ignore });
  return withSizes(
    source,
    files.map((f) => relative(source, f.name)),
  );
}

/** The files hosting would upload from its public folder (firebase-tools' listFiles). */
export function hostingUploadFiles(root: string, firebase: FirebaseJson): UploadFile[] {
  const { listFiles } = require('firebase-tools/lib/listFiles.js') as { listFiles: ListFiles };
  const publicDir = join(root, firebase.hosting?.public ?? 'public');
  return withSizes(publicDir, listFiles(publicDir, firebase.hosting?.ignore ?? []));
}

/** A function as its bundle declares it to the firebase CLI. */
export interface DeclaredFunction {
  name: string;
  trigger: string;
  region: string;
  memoryMb: number | null;
  maxInstances: number | null;
  timeoutSeconds: number | null;
  secrets: string[];
}

/**
 * Loads the built bundle the way the CLI's discovery does (a fresh Node process in the functions
 * folder) and reads each export's endpoint. Loading it also runs the config validation at startup.
 */
export function declaredFunctions(root: string, project: string): DeclaredFunction[] {
  const script = `
    const m = await import(${JSON.stringify(join(root, 'functions/lib/index.js'))});
    const out = Object.entries(m).filter(([, v]) => v && v.__endpoint).map(([name, v]) => {
      const e = v.__endpoint;
      const queue = e.taskQueueTrigger;
      const trigger = e.scheduleTrigger ? 'schedule ' + e.scheduleTrigger.schedule + ' ' + (e.scheduleTrigger.timeZone ?? '')
        : e.httpsTrigger ? 'https'
        : queue ? 'task queue (' + (queue.rateLimits?.maxConcurrentDispatches ?? '?') + ' at once, ' + (queue.retryConfig?.maxAttempts ?? '?') + ' attempts)'
        : Object.keys(e).find((k) => k.endsWith('Trigger')) ?? 'unknown';
      return { name, trigger: trigger.trim(), region: (e.region ?? []).join(','), memoryMb: e.availableMemoryMb ?? null,
        maxInstances: e.maxInstances ?? null, timeoutSeconds: e.timeoutSeconds ?? null,
        secrets: (e.secretEnvironmentVariables ?? []).map((s) => s.key) };
    });
    console.log(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(root, 'functions'),
    encoding: 'utf8',
    env: {
      ...process.env,
      GCLOUD_PROJECT: project,
      FIRESTORE_EMULATOR_HOST: '',
      METADATA_SERVER_DETECTION: 'none',
    },
  });
  if (result.status !== 0)
    throw new Error(`the functions bundle does not load:\n${(result.stderr || '').slice(-3000)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '[]') as DeclaredFunction[];
}

/** What the Firestore part of the deploy sets: rules, index overrides and TTL policies. */
export interface FirestoreSummary {
  rules: string;
  rulesBytes: number;
  allows: string[];
  indexes: string;
  compositeIndexes: number;
  fieldOverrides: number;
  ttl: string[];
}

/** Reads firestore.rules and firestore.indexes.json as firebase.json names them. */
export function firestoreSummary(root: string, firebase: FirebaseJson): FirestoreSummary {
  const rules = firebase.firestore?.rules ?? 'firestore.rules';
  const indexes = firebase.firestore?.indexes ?? 'firestore.indexes.json';
  const rulesText = readFileSync(join(root, rules), 'utf8');
  const parsed = JSON.parse(readFileSync(join(root, indexes), 'utf8')) as {
    indexes?: unknown[];
    fieldOverrides?: { collectionGroup: string; fieldPath: string; ttl?: boolean }[];
  };
  return {
    rules,
    rulesBytes: Buffer.byteLength(rulesText),
    allows: [...rulesText.matchAll(/allow\s+([^:;]+):\s*if\s+([^;]+);/g)].map(
      (m) => `allow ${m[1]?.trim()}: if ${m[2]?.trim()}`,
    ),
    indexes,
    compositeIndexes: parsed.indexes?.length ?? 0,
    fieldOverrides: parsed.fieldOverrides?.length ?? 0,
    ttl: (parsed.fieldOverrides ?? [])
      .filter((o) => o.ttl)
      .map((o) => `${o.collectionGroup}.${o.fieldPath}`),
  };
}

/** Bytes as a short human figure. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
