/**
 * `npm run export -- devices --from YYYY-MM-DD --to YYYY-MM-DD [--project ID] [--format csv|json]
 * [--out FILE]`: the maintainers' private view of LibreNMS's sysDescr/sysObjectID pairs, k-floored.
 * Reads the project's raw events with the maintainer's own credentials (Application Default
 * Credentials), or the emulator at FIRESTORE_EMULATOR_HOST. Never published, never served.
 * Data goes to stdout or --out; progress, the summary and errors go to stderr.
 * Exit codes: 0 done, 1 the export failed, 2 a usage mistake.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { deploymentConfig } from '../shared/config.ts';
import { dayOf, dayRange } from '../shared/dates.ts';
import { scrubFreeText } from '../functions/src/privacy/scrub.ts';
import { createFirestore } from '../functions/src/store/firestore-client.ts';
import { formatDeviceExport } from './lib/device-output.ts';
import { DevicePairTally, type DeviceField } from './lib/device-pairs.ts';
import { explainReadError, readDeviceReports } from './lib/device-reader.ts';
import {
  EXPORT_USAGE,
  UsageError,
  parseExportArgs,
  resolveExportTarget,
  retentionStart,
  type ExportOptions,
  type ExportTarget,
} from './lib/export-args.ts';
import { createProgress } from './lib/progress.ts';

function usageError(message: string): never {
  console.error(`error: ${message}`);
  console.error(EXPORT_USAGE);
  process.exit(2);
}

const today = dayOf(Date.now());
const k = deploymentConfig.kAnonymity;
let options: ExportOptions | undefined;
let target: ExportTarget;
try {
  options = parseExportArgs(process.argv.slice(2), {
    today,
    retentionDays: deploymentConfig.eventRetentionDays,
  });
  if (options === undefined) {
    console.log(EXPORT_USAGE);
    process.exit(0);
  }
  target = resolveExportTarget(options.project, process.env);
} catch (error) {
  if (error instanceof UsageError) usageError(error.message);
  throw error;
}
const { from, to, format, out } = options;

if (target.emulatorHost) {
  // The client library switches to the emulator by this variable; no metadata server to probe.
  process.env.FIRESTORE_EMULATOR_HOST = target.emulatorHost;
  process.env.METADATA_SERVER_DETECTION ??= 'none';
}
const days = dayRange(from, to);
const where = target.emulatorHost ? `emulator ${target.emulatorHost}` : 'Firestore';
console.error(
  `export devices ${from} .. ${to} (${days.length} days) from ${where}, project ${target.project} ` +
    `(${target.projectSource}); pairs need k = ${k} installs. Maintainers only: do not publish.`,
);
const kept = retentionStart(today, deploymentConfig.eventRetentionDays);
if (from < kept)
  console.error(
    `note: raw events are kept ${deploymentConfig.eventRetentionDays} days; days before ${kept} have none left`,
  );

const firestore = createFirestore({ projectId: target.project });
// Stored strings were scrubbed by the rules of their day; the current rules apply again, once
// per distinct string, so an export never shows what today's scrubber would remove.
const STORED_MAX: Record<DeviceField, number> = { os: 64, sysObjectID: 128, sysDescr: 255 };
const scrubbed = new Map<string, string>();
const tally = new DevicePairTally((field, value) => {
  const key = `${field}\u0000${value}`;
  let result = scrubbed.get(key);
  if (result === undefined) {
    result = scrubFreeText(value, STORED_MAX[field]);
    scrubbed.set(key, result);
  }
  return result;
});
const progress = createProgress('export devices');
// Without credentials the client library also rejects promises of its own that nothing awaits
// (googleapis/google-cloud-node#2843) and terminate() rejects again; the query reports the same
// error, so these are kept and explained instead of ending the process with a stack trace.
const stray: unknown[] = [];
process.on('unhandledRejection', (reason) => stray.push(reason));
let code = await run();
await firestore.terminate().catch((error: unknown) => stray.push(error));
if (code === 0 && stray.length > 0) {
  console.error(`error: ${explainReadError(stray[0], target)}`);
  code = 1;
}
process.exitCode = code;

/** Reads, tallies and writes; the exit code. */
async function run(): Promise<number> {
  let stats;
  try {
    stats = await readDeviceReports(firestore, days, tally, (done, day, events) =>
      progress(done, days.length, `${day} ${events} events`),
    );
  } catch (error) {
    console.error(`error: ${explainReadError(error, target)}`);
    return 1;
  }
  const result = tally.publish(k);
  const text = formatDeviceExport(format, { from, to, k }, result);
  if (out === undefined) {
    process.stdout.write(text);
  } else {
    // Written whole or not at all, and readable by its owner only.
    const partial = `${out}.partial`;
    try {
      // A leftover of an earlier failed run would keep its own permissions: start afresh.
      await rm(partial, { force: true });
      await writeFile(partial, text, { mode: 0o600 });
      await rename(partial, out);
    } catch (error) {
      await rm(partial, { force: true });
      console.error(`error: cannot write ${out}: ${(error as Error).message}`);
      return 1;
    }
  }
  const skipped =
    stats.skippedRows > 0 ? `, ${stats.skippedRows} malformed device rows left out` : '';
  console.error(
    `export devices: ${stats.days} days read, ${stats.events} events read ` +
      `(${stats.reports} LibreNMS reports), ${result.found} pairs found, ` +
      `${result.published.length} pairs published, ${result.heldBack} pairs held back under ` +
      `k = ${k}${skipped}${out === undefined ? '' : `; ${format.toUpperCase()} written to ${out}`}`,
  );
  return 0;
}
