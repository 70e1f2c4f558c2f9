/**
 * The command line of `npm run export` and where it reads from. Pure: every check a maintainer
 * can get wrong before anything is read, each with a message that says how to fix it.
 */
import { parseArgs } from 'node:util';
import { addDays, daysBetween, isDay, type Day } from '../../shared/dates.ts';
import { EXPORT_FORMATS, type ExportFormat } from './device-output.ts';
import { UsageError, isProjectId } from './request-log-exclusion.ts';

export { UsageError };

/** What the export knows how to write. */
export const EXPORT_KINDS = ['devices'] as const;

/** One export kind. */
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Usage text, printed with every usage error and by --help. */
export const EXPORT_USAGE =
  'usage: npm run export -- devices --from YYYY-MM-DD --to YYYY-MM-DD [--project ID] ' +
  '[--format csv|json] [--out FILE]';

/** A parsed, checked command line. */
export interface ExportOptions {
  kind: ExportKind;
  from: Day;
  to: Day;
  project?: string;
  format: ExportFormat;
  out?: string;
}

/** What the checks need to know besides the arguments. */
export interface ExportArgsContext {
  /** Today's UTC day. */
  today: Day;
  /** Days a raw event is kept (the deployment's eventRetentionDays). */
  retentionDays: number;
}

/** Parses `argv` (after `npm run export --`); undefined means --help was asked for. */
export function parseExportArgs(
  argv: readonly string[],
  ctx: ExportArgsContext,
): ExportOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        project: { type: 'string', short: 'p' },
        format: { type: 'string', short: 'f' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;

  const [kind, ...extra] = positionals;
  if (kind === undefined) throw new UsageError(`say what to export: ${EXPORT_KINDS.join(', ')}`);
  if (!(EXPORT_KINDS as readonly string[]).includes(kind))
    throw new UsageError(
      `unknown export kind "${kind}"; known kinds: ${EXPORT_KINDS.join(', ')} ` +
        '(LibreNMS sysDescr/sysObjectID pairs)',
    );
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

  const from = dayOption('from', values.from);
  const to = dayOption('to', values.to);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  if (to > ctx.today)
    throw new UsageError(
      `--to ${to} is after today (${ctx.today}, UTC): no events exist for later days`,
    );
  const days = daysBetween(from, to) + 1;
  if (days > ctx.retentionDays)
    throw new UsageError(
      `${from} .. ${to} is ${days} days, longer than the ${ctx.retentionDays} days raw events ` +
        `are kept: choose at most ${ctx.retentionDays} days, e.g. --from ` +
        `${addDays(ctx.today, -(ctx.retentionDays - 1))} --to ${ctx.today}`,
    );

  const out = values.out;
  if (out === '') throw new UsageError('--out needs a file name');
  const format = formatOption(values.format, out);
  const project = values.project?.trim();
  if (project === '') throw new UsageError('--project needs a project id');
  return {
    kind: kind as ExportKind,
    from,
    to,
    format,
    ...(project === undefined ? {} : { project }),
    ...(out === undefined ? {} : { out }),
  };
}

function dayOption(name: 'from' | 'to', value: string | undefined): Day {
  if (value === undefined) throw new UsageError(`--${name} YYYY-MM-DD is required`);
  if (!isDay(value))
    throw new UsageError(`--${name} must be a calendar day written YYYY-MM-DD, got "${value}"`);
  return value;
}

/** --format as given; without it JSON when --out ends in .json, else CSV. */
function formatOption(value: string | undefined, out: string | undefined): ExportFormat {
  if (value === undefined) return out?.toLowerCase().endsWith('.json') ? 'json' : 'csv';
  if (!(EXPORT_FORMATS as readonly string[]).includes(value))
    throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}, got "${value}"`);
  return value as ExportFormat;
}

/** Where the export reads: the Firestore emulator or a real project. */
export interface ExportTarget {
  /** `host:port` of the emulator; undefined for real Firestore. */
  emulatorHost?: string;
  project: string;
  /** Where the project id came from, for the line that names it. */
  projectSource: string;
}

/** Project id used against an emulator when none is given (as scripts/aggregate.ts does). */
const EMULATOR_DEFAULT_PROJECT = 'demo-homecall';

/**
 * FIRESTORE_EMULATOR_HOST selects the emulator (any project id, `demo-homecall` by default).
 * Otherwise real Firestore, and the project must be named: --project, else GCLOUD_PROJECT or
 * GOOGLE_CLOUD_PROJECT. It is never guessed, so production data is read only when asked for.
 */
export function resolveExportTarget(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ExportTarget {
  const candidates: [string | undefined, string][] = [
    [flag, '--project'],
    [env.GCLOUD_PROJECT, 'GCLOUD_PROJECT'],
    [env.GOOGLE_CLOUD_PROJECT, 'GOOGLE_CLOUD_PROJECT'],
  ];
  const found = candidates.find(([value]) => value !== undefined && value.trim() !== '');
  const emulatorHost = env.FIRESTORE_EMULATOR_HOST?.trim();
  if (emulatorHost) {
    return found
      ? { emulatorHost, project: (found[0] as string).trim(), projectSource: found[1] }
      : { emulatorHost, project: EMULATOR_DEFAULT_PROJECT, projectSource: 'the emulator default' };
  }
  if (!found)
    throw new UsageError(
      'no project given: pass --project ID (the Firebase project to read) and sign in once with ' +
        '`gcloud auth application-default login`; for the local stack of `npm start`, set ' +
        'FIRESTORE_EMULATOR_HOST=127.0.0.1:8080 instead',
    );
  const project = (found[0] as string).trim();
  if (!isProjectId(project))
    throw new UsageError(`${found[1]} is "${project}", which is not a Google Cloud project id`);
  if (project.startsWith('demo-'))
    throw new UsageError(
      `${found[1]} is "${project}": demo- projects exist only in an emulator; set ` +
        'FIRESTORE_EMULATOR_HOST to read one, or pass the real project with --project',
    );
  return { project, projectSource: found[1] };
}

/** The earliest day whose raw events may still be stored; earlier days' are all deleted. */
export function retentionStart(today: Day, retentionDays: number): Day {
  return addDays(today, -retentionDays);
}
