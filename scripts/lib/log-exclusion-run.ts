/**
 * Runs the request-log exclusion against a project with gcloud: brings the `_Default` sink's
 * exclusion up to date, then lists the project's other sinks and reports those that may copy
 * Cloud Run request logs elsewhere. Used by `npm run ops:exclude-request-logs` and
 * `npm run deploy`; gcloud is passed in, so tests run it against a recording stand-in.
 */
import { spawnSync } from 'node:child_process';
import {
  EXCLUSION_NAME,
  SINK,
  actionFor,
  describeArgs,
  exclusionArgs,
  exclusionFilter,
  formatCommand,
  listSinksArgs,
  sinkExclusionArgs,
  sinksCopyingRequestLogs,
  type ExclusionAction,
  type SinkDescription,
  type SinkListing,
  type SinkWarning,
} from './request-log-exclusion.ts';

/** What one gcloud call gave back. */
export interface GcloudResult {
  status: number | null;
  stdout: string;
}

/** Runs gcloud with arguments; `capture` returns its stdout instead of showing it. */
export type Gcloud = (args: string[], capture: boolean) => GcloudResult;

/** gcloud from PATH; its messages go to this process's stderr. */
export const systemGcloud: Gcloud = (args, capture) => {
  const result = spawnSync('gcloud', args, {
    encoding: 'utf8',
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
  });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '' };
};

/** Whether gcloud is installed and answers. */
export function gcloudAvailable(gcloud: Gcloud = systemGcloud): boolean {
  return gcloud(['--version'], true).status === 0;
}

/** A gcloud step that failed; the message says what to check. */
export class GcloudError extends Error {}

/** What running the exclusion did. */
export interface ExclusionOutcome {
  action: ExclusionAction;
  /** Other sinks that may copy request logs; undefined when they could not be listed. */
  sinkWarnings: SinkWarning[] | undefined;
}

/**
 * Adds or updates the exclusion on `_Default` (unless it is up to date), then checks the other
 * sinks. With `dryRun` it only reads: it says what it would do and runs nothing that changes.
 */
export function applyRequestLogExclusion(
  project: string,
  log: (line: string) => void,
  gcloud: Gcloud = systemGcloud,
  options: { dryRun?: boolean } = {},
): ExclusionOutcome {
  const filter = exclusionFilter();
  log(`$ ${formatCommand('gcloud', describeArgs(project, true))}`);
  const described = gcloud(describeArgs(project, true), true);
  if (described.status !== 0)
    throw new GcloudError(
      `could not read the ${SINK} sink of ${project} (see gcloud's message above). Are you ` +
        'logged in (`gcloud auth login`) with a role that may configure logging ' +
        '(roles/logging.configWriter)?',
    );
  let sink: SinkDescription;
  try {
    sink = JSON.parse(described.stdout) as SinkDescription;
  } catch {
    throw new GcloudError(`gcloud printed something that is not JSON for the ${SINK} sink`);
  }
  const action = actionFor(sink, filter);
  if (action === 'unchanged') {
    log(`The exclusion ${EXCLUSION_NAME} is in place and up to date: nothing to do.`);
  } else if (options.dryRun) {
    log(`Would run: ${formatCommand('gcloud', exclusionArgs(project, action, filter))}`);
  } else {
    const args = exclusionArgs(project, action, filter);
    log(`$ ${formatCommand('gcloud', args)}`);
    const applied = gcloud(args, false);
    if (applied.status !== 0)
      throw new GcloudError(`gcloud failed (exit ${applied.status ?? 'signal'})`);
    log(`The exclusion ${EXCLUSION_NAME} was ${action === 'add' ? 'added' : 'updated'}.`);
  }
  return { action, sinkWarnings: checkOtherSinks(project, log, gcloud) };
}

/**
 * Lists the project's sinks and returns those that may copy Cloud Run request logs elsewhere
 * (undefined, with a note, when gcloud cannot list them).
 */
export function checkOtherSinks(
  project: string,
  log: (line: string) => void,
  gcloud: Gcloud = systemGcloud,
): SinkWarning[] | undefined {
  log(`$ ${formatCommand('gcloud', listSinksArgs(project))}`);
  const listed = gcloud(listSinksArgs(project), true);
  let sinks: SinkListing[] | undefined;
  try {
    const parsed: unknown = listed.status === 0 ? JSON.parse(listed.stdout) : undefined;
    if (Array.isArray(parsed)) sinks = parsed as SinkListing[];
  } catch {
    sinks = undefined;
  }
  if (!sinks) {
    log("Could not list the project's other log sinks; check them with the command above.");
    return undefined;
  }
  const warnings = sinksCopyingRequestLogs(sinks);
  if (warnings.length === 0)
    log(`No other log sink copies the request logs (${sinks.length} sinks checked).`);
  return warnings;
}

/** The warning lines for sinks that may copy request logs, with the command that fixes each. */
export function sinkWarningLines(project: string, warnings: readonly SinkWarning[]): string[] {
  return warnings.flatMap((w) => [
    `WARNING: log sink "${w.name}" (to ${w.destination}) may copy Cloud Run request logs, which carry caller IP addresses: ${w.reason}.`,
    `  To keep them out of it too: ${formatCommand('gcloud', sinkExclusionArgs(project, w.name))}`,
  ]);
}
