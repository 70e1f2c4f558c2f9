/** The command line of `npm run deploy`, parsed and checked. Pure. */
import { parseArgs } from 'node:util';
import { UsageError } from './request-log-exclusion.ts';

/** What `firebase deploy --only` can be given, in the order they are built and listed. */
export const DEPLOY_TARGETS = ['firestore', 'functions', 'hosting'] as const;
/** One part of the deployment. */
export type DeployTarget = (typeof DEPLOY_TARGETS)[number];

/** The usage line printed with `--help` and after a usage error. */
export const DEPLOY_USAGE =
  'usage: npm run deploy -- [--dry-run] [--only hosting|functions|firestore[,...]] [--project ID] [--force] [--skip-log-exclusion]';

/** What the maintainer asked for. */
export interface DeployOptions {
  dryRun: boolean;
  /** The parts to deploy, in DEPLOY_TARGETS order. */
  only: DeployTarget[];
  project: string | undefined;
  /** Publish a stale (or, on a first deploy, empty) snapshot anyway. */
  force: boolean;
  /** Leave the request-log exclusion out (a warning says what that means). */
  skipLogExclusion: boolean;
  help: boolean;
}

/** Parses `npm run deploy -- ...`; a UsageError says what is wrong. */
export function parseDeployArgs(argv: string[]): DeployOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', short: 'n' },
        only: { type: 'string', multiple: true },
        project: { type: 'string', short: 'P' },
        force: { type: 'boolean', short: 'f' },
        'skip-log-exclusion': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const asked = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const target of asked) {
    if (!(DEPLOY_TARGETS as readonly string[]).includes(target))
      throw new UsageError(
        `--only ${target}: the parts are ${DEPLOY_TARGETS.join(', ')} (comma-separated)`,
      );
  }
  const only =
    asked.length === 0 ? [...DEPLOY_TARGETS] : DEPLOY_TARGETS.filter((t) => asked.includes(t));
  return {
    dryRun: values['dry-run'] === true,
    only,
    project: values.project,
    force: values.force === true,
    skipLogExclusion: values['skip-log-exclusion'] === true,
    help: values.help === true,
  };
}
