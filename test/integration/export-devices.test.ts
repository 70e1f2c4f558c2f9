// `npm run export -- devices` end to end: LibreNMS bodies from more than k installs go through
// the real ingest handler into the Firestore emulator, then the script runs as a child process
// against it, as a maintainer runs it. Checked: the published pairs (scrubbed, k-floored, each
// install once, devices as documented), stdout holding only the data, the summary, the --out
// file, and every error a maintainer can run into, with its exit code.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf, type Day } from '../../shared/dates.ts';
import { createRateLimiter } from '../../functions/src/http/rate-limit.ts';
import { createIngestHandler } from '../../functions/src/ingest/handler.ts';
import { DevicePairTally } from '../../scripts/lib/device-pairs.ts';
import { readDeviceReports } from '../../scripts/lib/device-reader.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { emulatorFirestore } from '../support/emulator-firestore.ts';
import {
  FakeResponse,
  fakeClock,
  formRequest,
  jsonRequest,
  recordingLogger,
} from '../support/http-fakes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const emulatorHost = inject('firestoreEmulatorHost');
const project = `export-${randomUUID()}`;
const K = deploymentConfig.kAnonymity;
// k + 1 installs, at least 6: one pair reaches exactly k, others stay below it.
const INSTALLS = Array.from(
  { length: Math.max(6, K + 1) },
  (_, i) => `7c0e4b2a-5d1f-4e3a-9b8c-${String(i).padStart(12, '0')}`,
);
const LAST = INSTALLS.length - 1;
const TODAY = dayOf(Date.now());
const D0 = addDays(TODAY, -4);
const D1 = addDays(TODAY, -3);
const D2 = addDays(TODAY, -2);
const D3 = addDays(TODAY, -1);

const IOS = {
  os: 'ios',
  sysObjectID: '.1.3.6.1.4.1.9.1.516',
  // Every install's string names its own management address; stored scrubbed, they are one pair.
  sysDescr: (i: number) =>
    `Cisco IOS Software, C2960 "LAN Base", Version 15.0(2)SE11, mgmt 10.20.30.${i + 1}`,
};
const IOS_STORED = 'Cisco IOS Software, C2960 "LAN Base", Version 15.0(2)SE11, mgmt <ip>';
const LINUX = {
  os: 'linux',
  sysObjectID: '.1.3.6.1.4.1.8072.3.2.10',
  sysDescr: () => 'Linux 5.10.0-8-amd64 #1 SMP Debian 5.10.46-4 x86_64',
};
const JUNOS = {
  os: 'junos',
  sysObjectID: '.1.3.6.1.4.1.2636.1.1.1.2.43',
  sysDescr: () => 'Juniper Networks, Inc. ex2200-24t-4g Ethernet Switch, kernel JUNOS 12.3R12.4',
};
type Model = typeof IOS;

let firestore: Firestore;
const clock = fakeClock(`${D1}T00:00:00Z`);

/** Posts one LibreNMS daily body of install `i` at `time`, as LibreNMS sends it. */
async function sendReport(i: number, time: string, devices: [Model, number][]): Promise<void> {
  clock.set(time);
  const body = {
    uuid: INSTALLS[i],
    data: { os: devices.map(([m, count]) => ({ total: count, os: m.os })) },
    info: devices.map(([m, count]) => ({
      count,
      os: m.os,
      sysDescr: m.sysDescr(i),
      sysObjectID: m.sysObjectID,
    })),
  };
  const res = new FakeResponse();
  await handler()(formRequest('/compat/librenms/log.php', { data: JSON.stringify(body) }), res);
  expect(res.statusCode).toBe(200);
  expect(res.body).toMatchObject({ accepted: 1 });
}

function handler() {
  return createIngestHandler({
    store: new FirestoreStore(firestore),
    secret: () => 'export-devices-secret',
    clock: clock.now,
    config: deploymentConfig,
    log: recordingLogger().log,
    rateLimiter: createRateLimiter({ perSecond: 1000, burst: 1000 }),
  });
}

/*
 * Installs I0..I(k) (k + 1 of them):
 *   D0  I(last) linux ×3                      — before the main range
 *   D1  I0..I(k−1) ios ×1                     — ios reaches exactly k installs
 *   D2  I0 at 08:00: ios ×100 + linux ×9      — superseded by I0's report at 20:00: ios ×6
 *       I1..I(k−1) linux ×2                   — linux: k − 1 installs in D1..D3
 *       I(last) a canonical heartbeat         — an event, not a LibreNMS report
 *   D3  I0 ios ×5; I(last) junos ×1
 * D1..D3: ios published (k installs, 6 + (k − 1) devices); linux and junos held back.
 * D0..D3: linux has k installs too (2 × (k − 1) + 3 devices).
 */
beforeAll(async () => {
  firestore = emulatorFirestore(emulatorHost, project);
  await sendReport(LAST, `${D0}T12:00:00Z`, [[LINUX, 3]]);
  for (let i = 0; i < K; i += 1) await sendReport(i, `${D1}T10:00:00Z`, [[IOS, 1]]);
  await sendReport(0, `${D2}T08:00:00Z`, [
    [IOS, 100],
    [LINUX, 9],
  ]);
  await sendReport(0, `${D2}T20:00:00Z`, [[IOS, 6]]);
  for (let i = 1; i < K; i += 1) await sendReport(i, `${D2}T10:00:00Z`, [[LINUX, 2]]);
  clock.set(`${D2}T11:00:00Z`);
  const res = new FakeResponse();
  await handler()(
    jsonRequest('/v1/events', { schema: 1, installId: INSTALLS[LAST], type: 'heartbeat' }),
    res,
  );
  expect(res.statusCode).toBe(202);
  await sendReport(0, `${D3}T09:00:00Z`, [[IOS, 5]]);
  await sendReport(LAST, `${D3}T09:00:00Z`, [[JUNOS, 1]]);
});

afterAll(async () => {
  await firestore?.terminate();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run export -- <args>`'s script with only the given Google variables set. */
async function runExport(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const GOOGLE = new Set([
    'FIRESTORE_EMULATOR_HOST',
    'GCLOUD_PROJECT',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ]);
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !GOOGLE.has(name)),
  );
  const child = spawn(process.execPath, ['scripts/export.ts', ...args], {
    cwd: ROOT,
    env: { ...base, CI: 'true', METADATA_SERVER_DETECTION: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, stdout, stderr };
}

const onEmulator = { FIRESTORE_EMULATOR_HOST: emulatorHost, GCLOUD_PROJECT: project };
const IOS_ROW = (devices: number) =>
  `ios,.1.3.6.1.4.1.9.1.516,"${IOS_STORED.replaceAll('"', '""')}",${K},${devices}`;

describe('npm run export -- devices on the emulator', () => {
  test('CSV on stdout: only the pair k installs reported, scrubbed, each install once', async () => {
    const run = await runExport(['devices', '--from', D1, '--to', D3], onEmulator);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    // I0's highest day is 6 (its superseded 100 never counts); the others 1 each.
    expect(run.stdout).toBe(
      `os,sysObjectID,sysDescr,installs,devices\r\n${IOS_ROW(6 + (K - 1))}\r\n`,
    );
    expect(run.stdout).not.toMatch(/10\.20\.30\.|linux|junos/);
    // 3 days; events: k on D1, 2 + (k − 1) + 1 heartbeat on D2, 2 on D3.
    expect(run.stderr).toContain(
      `export devices: 3 days read, ${2 * K + 4} events read (${2 * K + 3} LibreNMS reports), ` +
        `3 pairs found, 1 pairs published, 2 pairs held back under k = ${K}`,
    );
    // Plain progress lines off a terminal, one per day, on stderr.
    expect(run.stderr.match(/^export devices: \d\/3 /gm)).toEqual([
      'export devices: 1/3 ',
      'export devices: 2/3 ',
      'export devices: 3/3 ',
    ]);
  });

  test('a wider range brings the pair that reaches k with it; --out writes JSON, owner-only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'homecall-export-'));
    try {
      const out = join(dir, 'devices.json');
      const run = await runExport(['devices', '--from', D0, '--to', D3, '--out', out], onEmulator);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(
        `4 days read, ${2 * K + 5} events read (${2 * K + 4} LibreNMS reports), 3 pairs found, ` +
          `2 pairs published, 1 pairs held back under k = ${K}; JSON written to ${out}`,
      );
      expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({
        kind: 'devices',
        from: D0,
        to: D3,
        k: K,
        // Both have k installs: more devices first.
        pairs: [
          { ...LINUX, sysDescr: LINUX.sysDescr(), installs: K, devices: 2 * (K - 1) + 3 },
          { ...IOS, sysDescr: IOS_STORED, installs: K, devices: 6 + (K - 1) },
        ].sort((a, b) => b.devices - a.devices),
        pairsHeldBack: 1,
      });
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      expect(await readdir(dir)).toEqual(['devices.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a range without LibreNMS reports: a header only, exit 0', async () => {
    const run = await runExport(
      ['devices', '--from', addDays(D0, -2), '--to', addDays(D0, -1), '--format', 'csv'],
      onEmulator,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('os,sysObjectID,sysDescr,installs,devices\r\n');
    expect(run.stderr).toContain('2 days read, 0 events read (0 LibreNMS reports), 0 pairs found');
  });

  test('a file that cannot be written: exit 1, nothing left behind', async () => {
    const out = join(tmpdir(), `homecall-missing-${randomUUID()}`, 'devices.csv');
    const run = await runExport(['devices', '--from', D1, '--to', D3, '--out', out], onEmulator);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: cannot write ${out}`);
    expect(run.stdout).toBe('');
  });
});

test('the reader goes one day at a time, in order, and reports progress within a day', async () => {
  const calls: [number, Day, number][] = [];
  const tally = new DevicePairTally();
  const stats = await readDeviceReports(
    firestore,
    [D1, D2, D3],
    tally,
    (done, day, events) => calls.push([done, day, events]),
    2,
  );
  expect(stats).toEqual({ days: 3, events: 2 * K + 4, reports: 2 * K + 3, skippedRows: 0 });
  // Every 2 events within a day (days done so far), then the day itself (one more day done).
  const expected = (
    [
      [D1, K],
      [D2, K + 2],
      [D3, 2],
    ] as const
  ).flatMap(([day, events], index) => [
    ...Array.from({ length: Math.floor(events / 2) }, (_, i) => [index, day, 2 * (i + 1)]),
    [index + 1, day, events],
  ]);
  expect(calls).toEqual(expected);
  expect(tally.publish(K).published.map((p) => [p.os, p.installs, p.devices])).toEqual([
    ['ios', K, 6 + (K - 1)],
  ]);
});

describe('npm run export usage errors (exit 2, nothing on stdout)', () => {
  const range = ['--from', D1, '--to', D3];
  test.each<[string, string[], Record<string, string>, RegExp]>([
    ['an unknown kind', ['ports', ...range], onEmulator, /unknown export kind "ports"/],
    ['no kind', range, onEmulator, /say what to export: devices/],
    [
      'a bad date',
      ['devices', '--from', '2026-02-30', '--to', D3],
      onEmulator,
      /--from must be a calendar day written YYYY-MM-DD, got "2026-02-30"/,
    ],
    [
      'a reversed range',
      ['devices', '--from', D3, '--to', D1],
      onEmulator,
      new RegExp(`--from ${D3} is after --to ${D1}`),
    ],
    [
      'a range longer than retention',
      ['devices', '--from', addDays(TODAY, -deploymentConfig.eventRetentionDays), '--to', TODAY],
      onEmulator,
      /longer than the \d+ days raw events are kept/,
    ],
    [
      'no project and no emulator',
      ['devices', ...range],
      {},
      /no project given: pass --project ID .*`gcloud auth application-default login`/,
    ],
  ])('%s', async (_name, args, env, message) => {
    const run = await runExport(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run export -- devices --from YYYY-MM-DD');
    expect(run.stdout).toBe('');
  });
});

test('no credentials for a real project: exit 1 and how to sign in', async () => {
  // An empty home and gcloud config: no Application Default Credentials to find.
  const home = await mkdtemp(join(tmpdir(), 'homecall-no-adc-'));
  try {
    const run = await runExport(
      ['devices', '--from', D1, '--to', D3, '--project', 'my-project-42'],
      {
        HOME: home,
        CLOUDSDK_CONFIG: home,
        APPDATA: home,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error: no usable Google credentials: run `gcloud auth application-default login`',
    );
    expect(run.stderr).toContain('--project');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
