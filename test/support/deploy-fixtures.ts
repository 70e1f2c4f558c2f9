/**
 * What the deploy end-to-end tests share: a small fleet to post through ingest, a larger one to
 * store on a final day and publish, and a way to run one of a repository's scripts (this one or a
 * copy) on Node 24.
 */
import { spawn } from 'node:child_process';
import type { DeploymentConfig } from '../../shared/config.ts';
import { addDays, type Day } from '../../shared/dates.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** 7 installs of 3.1.0 on debian, 6 of 3.0.0 on ubuntu, 5 of 2.9.0 on alpine: 18 in all. */
export const FLEET = [
  ...Array.from({ length: 7 }, (_, i) => ({ id: `a${i}`, version: '3.1.0', os: 'debian' })),
  ...Array.from({ length: 6 }, (_, i) => ({ id: `b${i}`, version: '3.0.0', os: 'ubuntu' })),
  ...Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, version: '2.9.0', os: 'alpine' })),
];

/**
 * The fleet's heartbeats as one canonical batch, sent now or with an agent-supplied `time` (a day
 * before, so the installs are established — seen on two days — when they report again).
 */
export function fleetBatch(prefix: string, time?: string): unknown {
  return {
    events: FLEET.map((m) => ({
      schema: 1,
      installId: `${prefix}-${m.id}`,
      eventId: `${prefix}-${m.id}-hb${time ? `-${time}` : ''}`,
      type: 'heartbeat',
      ...(time ? { time } : {}),
      product: { version: m.version },
      platform: { os: m.os, arch: 'x86_64' },
    })),
  };
}

/**
 * A fleet large enough for differentially private publication at the default ε: 70 installs of
 * 3.1.0 on debian and 60 of 3.0.0 on ubuntu (far above a breakdown's noisy threshold of about 33),
 * 5 each of eight 2.x versions on alpine (each far below it, 40 together): 170 in all.
 */
export const FINAL_FLEET = [
  ...Array.from({ length: 70 }, (_, i) => ({ id: `a${i}`, version: '3.1.0', os: 'debian' })),
  ...Array.from({ length: 60 }, (_, i) => ({ id: `b${i}`, version: '3.0.0', os: 'ubuntu' })),
  // Eight old versions of 5 installs each: every one far below the noisy threshold, together
  // 40 installs, far enough above it that the "other" row appears whatever the day's noise.
  ...Array.from({ length: 40 }, (_, i) => ({
    id: `c${i}`,
    version: `2.${i % 8}.0`,
    os: 'alpine',
  })),
];

/**
 * FINAL_FLEET's heartbeats on `day` and the day before, stored as ingest stores them: a day is
 * published once final, after the late-arrival window, and ingest refuses event times that old.
 * An install counts once seen on two days (the establishment rule), so the fleet counts on `day`
 * and waits on the day before. `prefix` must differ from that of a batch the same test posts: an
 * install's event id is stored once, so reused ids would be dropped as resends.
 */
export function finalFleetEvents(
  prefix: string,
  day: Day,
  secret: string,
  config: DeploymentConfig,
): StoredEvent[] {
  return [addDays(day, -1), day].flatMap((d) =>
    FINAL_FLEET.map((m, i) => {
      const prepared = prepareEvent(
        {
          installId: `${prefix}-${m.id}`,
          eventId: `${prefix}-${m.id}-hb-${d}`,
          type: 'heartbeat',
          product: { version: m.version },
          platform: { os: m.os, arch: 'x86_64' },
        },
        [],
        { secret, now: Date.parse(`${d}T10:00:00Z`) + i, config, source: 'v1' },
      );
      if (!prepared.ok) throw new Error(prepared.issue.message);
      return prepared.event;
    }),
  );
}

/**
 * Runs a script of the repository at `root` with Node 24; resolves with its output. `env` is
 * added to this process's environment; a key given as undefined is removed from it.
 */
export function runScript(
  root: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(`${ROOT}node_modules/.bin/node`, [script, ...args], {
      cwd: root,
      env: withoutUndefined({
        ...process.env,
        METADATA_SERVER_DETECTION: 'none',
        CI: 'true',
        ...env,
      }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The environment without the keys whose value is undefined. */
export function withoutUndefined(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}
