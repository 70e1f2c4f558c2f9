/**
 * The Cloud Logging exclusion that keeps Cloud Run's own request logs of the homecall functions
 * out of storage. Those entries (log `run.googleapis.com/requests`, written by the platform for
 * every request to a 2nd-gen function) carry `httpRequest.remoteIp` — the caller's address,
 * which homecall's code never reads. Pure: builds the gcloud command lines; the CLI
 * (scripts/ops-exclude-request-logs.ts) runs them.
 */

/** Name of the exclusion on the sink (letters, digits, `_`, `-`, `.`; at most 100). */
export const EXCLUSION_NAME = 'homecall-request-logs';
/** The sink that routes a project's logs into the `_Default` log bucket. */
export const SINK = '_Default';
/** Cloud Run services of the HTTP functions that agents and browsers call. */
export const SERVICES = ['ingest', 'stats'] as const;
/** Shown on the exclusion in the console; no commas (gcloud splits the flag value on them). */
export const DESCRIPTION =
  'homecall: Cloud Run request logs of ingest and stats record caller IP addresses';

/** A problem with the command line or the environment, reported without a stack trace. */
export class UsageError extends Error {}

/** The Logging query that matches the request logs of the given Cloud Run services. */
export function exclusionFilter(services: readonly string[] = SERVICES): string {
  if (services.length === 0) throw new UsageError('at least one service is needed');
  for (const service of services) {
    // Cloud Run service names: lowercase letters, digits and hyphens.
    if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(service))
      throw new UsageError(`"${service}" is not a Cloud Run service name`);
  }
  const names = services.map((s) => `resource.labels.service_name="${s}"`).join(' OR ');
  return [
    'LOG_ID("run.googleapis.com/requests")',
    'resource.type="cloud_run_revision"',
    services.length === 1 ? names : `(${names})`,
  ].join(' AND ');
}

/** Whether to add the exclusion, update an existing one, or leave it as it is. */
export type ExclusionAction = 'add' | 'update' | 'unchanged';

/** The sink as `gcloud logging sinks describe --format=json` prints it (the parts used here). */
export interface SinkDescription {
  exclusions?: readonly { name?: string; filter?: string; disabled?: boolean }[];
}

/** Decides what to do from the sink's current exclusions. */
export function actionFor(sink: SinkDescription | undefined, filter: string): ExclusionAction {
  const existing = sink?.exclusions?.find((e) => e.name === EXCLUSION_NAME);
  if (!existing) return 'add';
  return existing.filter === filter && !existing.disabled ? 'unchanged' : 'update';
}

/** Arguments of `gcloud` that add or update the exclusion. */
export function exclusionArgs(
  project: string,
  action: Exclude<ExclusionAction, 'unchanged'>,
  filter = exclusionFilter(),
): string[] {
  for (const [what, value] of [
    ['filter', filter],
    ['description', DESCRIPTION],
  ] as const) {
    if (value.includes(','))
      throw new UsageError(`the exclusion ${what} must not contain a comma: ${value}`);
  }
  // `disabled` is only given on update: there, naming the key with no value re-enables it.
  const spec =
    action === 'add'
      ? `name=${EXCLUSION_NAME},description=${DESCRIPTION},filter=${filter}`
      : `name=${EXCLUSION_NAME},description=${DESCRIPTION},filter=${filter},disabled=`;
  return [
    'logging',
    'sinks',
    'update',
    SINK,
    action === 'add' ? `--add-exclusion=${spec}` : `--update-exclusion=${spec}`,
    `--project=${project}`,
  ];
}

/** Arguments of `gcloud` that show the sink, its exclusions included. */
export function describeArgs(project: string, json = false): string[] {
  return ['logging', 'sinks', 'describe', SINK, `--project=${project}`].concat(
    json ? ['--format=json'] : [],
  );
}

/** Quotes one argument for a POSIX shell, only when it needs it. */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line a maintainer can paste into a shell. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}

/** Where the project id came from, for the message that names it. */
export interface ResolvedProject {
  project: string;
  source: string;
}

/** Reads the default project of a `.firebaserc` text; undefined when absent or unreadable. */
export function firebasercDefault(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { projects?: Record<string, unknown> };
    const value = parsed.projects?.default;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Project ids as Google Cloud allows them: 6–30 lowercase letters, digits and hyphens. */
export function isProjectId(value: string): boolean {
  return /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(value);
}

/**
 * The project to change: `--project`, else GCLOUD_PROJECT / GOOGLE_CLOUD_PROJECT, else the
 * default project of `.firebaserc`. Never gcloud's own configured project: this must be said.
 */
export function resolveProject(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  firebaserc: string | undefined,
  options: { allowDemo?: boolean } = {},
): ResolvedProject {
  const candidates: [string | undefined, string][] = [
    [flag, '--project'],
    [env.GCLOUD_PROJECT, 'GCLOUD_PROJECT'],
    [env.GOOGLE_CLOUD_PROJECT, 'GOOGLE_CLOUD_PROJECT'],
    [firebasercDefault(firebaserc), '.firebaserc (projects.default)'],
  ];
  const found = candidates.find(([value]) => value !== undefined && value.trim() !== '');
  if (!found)
    throw new UsageError(
      'no Google Cloud project given: pass --project ID, set GCLOUD_PROJECT, or run ' +
        '`firebase use --add` so that .firebaserc names a default project',
    );
  const project = (found[0] as string).trim();
  if (!isProjectId(project))
    throw new UsageError(`${found[1]} is "${project}", which is not a Google Cloud project id`);
  if (project.startsWith('demo-') && !options.allowDemo)
    throw new UsageError(
      `${found[1]} is "${project}": demo- projects exist only in the local emulators; ` +
        'pass the id of the real project with --project',
    );
  return { project, source: found[1] };
}

/** Arguments of `gcloud` that list the project's log sinks as JSON. */
export function listSinksArgs(project: string): string[] {
  return ['logging', 'sinks', 'list', `--project=${project}`, '--format=json'];
}

/** A sink as `gcloud logging sinks list --format=json` prints it (the parts used here). */
export interface SinkListing {
  name?: string;
  destination?: string;
  filter?: string;
  disabled?: boolean;
  exclusions?: readonly { name?: string; filter?: string; disabled?: boolean }[];
}

/** A sink that may copy the request logs elsewhere, and why it is suspected. */
export interface SinkWarning {
  name: string;
  destination: string;
  reason: string;
}

/** Sinks Cloud Logging manages: `_Default` gets the exclusion, `_Required` holds audit logs only. */
const MANAGED_SINKS = new Set([SINK, '_Required']);

/**
 * The project's other sinks that may route Cloud Run request logs (and their caller IPs) to
 * another destination: enabled, without an exclusion of their own for these logs, and with a
 * filter that does not confine them to other logs. Judged on the filter's text, so it leans to
 * warning: a sink with no filter, one that names the request logs or Cloud Run, and one that
 * does not restrict log names or resource types at all (e.g. `severity>=ERROR`, which 5xx
 * request entries match) are all reported.
 */
export function sinksCopyingRequestLogs(
  sinks: readonly SinkListing[],
  filter = exclusionFilter(),
): SinkWarning[] {
  const warnings: SinkWarning[] = [];
  for (const sink of sinks) {
    const name = sink.name ?? '(unnamed)';
    if (MANAGED_SINKS.has(name) || sink.disabled) continue;
    const excluded = sink.exclusions?.some(
      (e) => !e.disabled && (e.filter === filter || e.name === EXCLUSION_NAME),
    );
    if (excluded) continue;
    const text = (sink.filter ?? '').trim();
    let reason: string | undefined;
    if (text === '') reason = 'it has no filter, so it copies every log entry';
    else if (
      /run\.googleapis\.com(%2F|\/)requests|cloud_run_revision|run\.googleapis\.com/i.test(text)
    )
      reason = 'its filter names Cloud Run or its request logs';
    else if (!/\b(logName|LOG_ID|log_id|resource\.type)\b/.test(text))
      reason = 'its filter does not restrict log names or resource types';
    if (reason) warnings.push({ name, destination: sink.destination ?? '(unknown)', reason });
  }
  return warnings;
}

/** Arguments of `gcloud` that add the same exclusion to another sink. */
export function sinkExclusionArgs(
  project: string,
  sink: string,
  filter = exclusionFilter(),
): string[] {
  const args = exclusionArgs(project, 'add', filter);
  args[3] = sink;
  return args;
}
