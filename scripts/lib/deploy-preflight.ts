/**
 * Checks before anything is built for a deploy: firebase.json agrees with homecall.config.ts,
 * no leftover `.env` setting pretends to configure what the config file now decides, and the
 * committed OpenAPI document matches the config. Pure: the caller reads the files.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DeploymentConfig } from '../../shared/config.ts';

/** firebase.json, the parts read here. */
export interface FirebaseJson {
  hosting?: {
    public?: string;
    ignore?: string[];
    predeploy?: string | string[];
    rewrites?: { source: string; function?: { functionId: string; region?: string } }[];
  };
  functions?: { source: string; ignore?: string[]; predeploy?: string | string[] }[];
  firestore?: { rules?: string; indexes?: string };
}

/** The function each API path must reach through hosting. */
export const REWRITES: Readonly<Record<string, string>> = {
  '/v1/**': 'ingest',
  '/compat/**': 'ingest',
  '/api/**': 'stats',
};

/**
 * Hosting rewrites must send each API path to its function in the configured region: a rewrite
 * to another region reaches no function at all (404 on every ingest).
 */
export function rewriteProblems(firebase: FirebaseJson, config: DeploymentConfig): string[] {
  const problems: string[] = [];
  const rewrites = firebase.hosting?.rewrites ?? [];
  for (const [source, functionId] of Object.entries(REWRITES)) {
    const rewrite = rewrites.find((r) => r.source === source);
    if (!rewrite?.function)
      problems.push(
        `firebase.json: no hosting rewrite sends ${source} to the ${functionId} function`,
      );
    else if (rewrite.function.functionId !== functionId)
      problems.push(
        `firebase.json: ${source} goes to ${rewrite.function.functionId}, not to ${functionId}`,
      );
    else if ((rewrite.function.region ?? 'us-central1') !== config.region)
      problems.push(
        `firebase.json: the rewrite of ${source} names region ${rewrite.function.region ?? 'us-central1 (default)'}, but homecall.config.ts deploys the functions to ${config.region}: set "region": "${config.region}" in every rewrite`,
      );
  }
  return problems;
}

/** `.env` keys that configured what homecall.config.ts decides now, with the field that replaced each. */
export const RETIRED_PARAMS: Readonly<Record<string, string>> = {
  K_ANONYMITY: 'kAnonymity',
  EVENT_RETENTION_DAYS: 'eventRetentionDays',
  SITE_URL: 'siteUrl',
  REGION: 'region',
  MAX_INSTANCES: 'maxInstances',
  AGGREGATE_EVENTS_PER_SHARD: 'aggregation.eventsPerShard',
  AGGREGATE_SHARD_PARALLELISM: 'aggregation.shardParallelism',
};

/** Leftover settings in functions/.env files (name → text), each with how to move it. */
export function retiredParamProblems(envFiles: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [file, text] of Object.entries(envFiles)) {
    for (const line of text.split('\n')) {
      const key = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=/.exec(line)?.[1];
      if (key && Object.hasOwn(RETIRED_PARAMS, key))
        problems.push(
          `${file} sets ${key}, which homecall no longer reads: set ${RETIRED_PARAMS[key]} in homecall.config.ts and delete the line`,
        );
    }
  }
  return problems;
}

/** The committed OpenAPI document must be the one built from the config (it is served as is). */
export function openApiProblems(committed: unknown, built: unknown): string[] {
  return isDeepStrictEqual(committed, built)
    ? []
    : [
        'shared/generated/openapi.json does not match homecall.config.ts (product, site URL or compat formats changed): run `npm run schema` and commit the result',
      ];
}
