// Poisoning attacks against a steady demo-like fleet (issue 18), before and after the screening
// rules, side by side in one run: how far a one-day flood of random ids, a week-long cohort of
// fake installs with one profile, a crash burst on one version and a flood of failed installs
// move d28, a chosen bucket, a crash-free rate and the failed installs published; on which day the cohort counts and whether that day is flagged; and what the
// opt-in proof of work costs to find against what it costs to check. d28, the bucket and the
// crash-free rate are the counted (exact) tallies the publication starts from, so what the rules
// let in shows without the noise; the published d28 and the failed installs are the published
// (noisy) figures, whose difference also holds two independent draws of noise.
// Part of `npm run bench`; alone: `node test/bench/poisoning.ts [--quick]`.
import { performance } from 'node:perf_hooks';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, type Day } from '../../shared/dates.ts';
import { findProof, verifyProof } from '../../functions/src/ingest/proof-of-work.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';
import {
  bucket,
  crashFree,
  fakeCohort,
  flood,
  publish,
  RULES_OFF,
  steadyFleet,
  type ScreenedDay,
} from '../support/poisoning.ts';

/** How far one attack moved the watched figures, with the rules off and on. */
export interface AttackRun {
  attack: string;
  rules: 'off' | 'on';
  /** d28 counted on the attack day, attacked minus clean. */
  d28Moved: number;
  /** d28 published (noisy) on the attack day, attacked minus clean. */
  d28PublishedMoved: number;
  /** d28 of the last day, attacked minus clean. */
  d28MovedLastDay: number;
  /** Installs in the attack's os bucket (nixos) on the attack day, attacked minus clean. */
  bucketMoved: number;
  /** Crash-free rate of the attacked version on the attack day, in points, attacked minus clean. */
  crashFreeMovedPoints: number;
  /**
   * Failed installs published (noisy) on the attack day (reliability's and the series of installs
   * not established together), attacked minus clean.
   */
  failedInstallsMoved: number;
  /** Days from the attack's first day until it moved d1 (undefined: never within the run). */
  countsFromDay?: number;
  /** Whether the day it first counted was flagged (or, when it never counted, any attack day). */
  flagged: boolean;
}

/** The proof of work: finding one against checking one. */
export interface ProofRun {
  difficulty: number;
  findMs: number;
  verifyUs: number;
  ratio: number;
}

const LAST: Day = '2026-06-30';

function moved(
  clean: Map<Day, ScreenedDay>,
  attacked: Map<Day, ScreenedDay>,
  attackDay: Day,
  attackDays: number,
): Omit<AttackRun, 'attack' | 'rules'> {
  const a = (d: Day) => attacked.get(d);
  const c = (d: Day) => clean.get(d);
  const rate = (m: ScreenedDay | undefined) => (crashFree(m, '1.6.0') ?? 1) * 100;
  const failed = (m: ScreenedDay | undefined) =>
    (m?.published.reliability.installFailures.reduce((n, f) => n + f.installs, 0) ?? 0) +
    (m?.published.unestablishedInstallFailures?.installs ?? 0);
  let countsFromDay: number | undefined;
  for (let i = 0; i < attackDays; i += 1) {
    const day = addDays(attackDay, i);
    if ((a(day)?.activeInstalls.d1 ?? 0) !== (c(day)?.activeInstalls.d1 ?? 0)) {
      countsFromDay = i + 1;
      break;
    }
  }
  const flaggedDays =
    countsFromDay === undefined
      ? Array.from({ length: attackDays }, (_, i) => addDays(attackDay, i))
      : [addDays(attackDay, countsFromDay - 1)];
  return {
    d28Moved: (a(attackDay)?.activeInstalls.d28 ?? 0) - (c(attackDay)?.activeInstalls.d28 ?? 0),
    d28PublishedMoved:
      (a(attackDay)?.published.activeInstalls.d28 ?? 0) -
      (c(attackDay)?.published.activeInstalls.d28 ?? 0),
    d28MovedLastDay: (a(LAST)?.activeInstalls.d28 ?? 0) - (c(LAST)?.activeInstalls.d28 ?? 0),
    bucketMoved: bucket(a(attackDay), 'os', 'nixos') - bucket(c(attackDay), 'os', 'nixos'),
    crashFreeMovedPoints: Math.round((rate(a(attackDay)) - rate(c(attackDay))) * 10) / 10,
    failedInstallsMoved: failed(a(attackDay)) - failed(c(attackDay)),
    countsFromDay,
    flagged: flaggedDays.some((d) => a(d)?.anomaly !== undefined),
  };
}

/** Runs the four attacks with the rules off and on, and times the proof of work. */
export async function benchPoisoning(options: { quick: boolean }): Promise<{
  fleet: { installs: number; days: number };
  attacks: AttackRun[];
  proof: ProofRun;
}> {
  const installs = options.quick ? 120 : 300;
  const days = 45;
  const first = addDays(LAST, -(days - 1));
  const attackDay = addDays(LAST, -10);
  const fleet = steadyFleet(installs, days, LAST);
  const size = options.quick ? 1 : 2;
  const attacks: { name: string; events: StoredEvent[]; days: number }[] = [
    {
      name: `flood: ${3000 * size} ids, one day`,
      events: flood(attackDay, 3000 * size, 'f'),
      days: 1,
    },
    {
      name: `cohort: ${200 * size} fake installs, 7 days`,
      events: fakeCohort(attackDay, 7, 200 * size, 'c'),
      days: 7,
    },
    {
      name: `crash burst: ${1000 * size} ids on 1.6.0`,
      events: flood(attackDay, 1000 * size, 'x', 'crash'),
      days: 1,
    },
    {
      name: `failed installs: ${1000 * size} ids`,
      events: flood(attackDay, 1000 * size, 'i', 'install_failed'),
      days: 1,
    },
  ];
  const runs: AttackRun[] = [];
  for (const [rules, config] of [
    ['off', RULES_OFF],
    ['on', deploymentConfig],
  ] as const) {
    const clean = await publish(fleet, first, LAST, config);
    for (const attack of attacks) {
      const attacked = await publish([...fleet, ...attack.events], first, LAST, config);
      runs.push({ attack: attack.name, rules, ...moved(clean, attacked, attackDay, attack.days) });
    }
  }
  const difficulty = deploymentConfig.screening.proofOfWork.difficulty;
  const ids = Array.from({ length: options.quick ? 10 : 40 }, (_, i) => `bench-install-${i}`);
  let start = performance.now();
  const proofs = ids.map((id) => findProof(id, difficulty));
  const findMs = (performance.now() - start) / ids.length;
  const rounds = 200;
  start = performance.now();
  for (let r = 0; r < rounds; r += 1)
    ids.forEach((id, i) => verifyProof(id, proofs[i] as string, difficulty));
  const verifyUs = ((performance.now() - start) * 1000) / (rounds * ids.length);
  return {
    fleet: { installs, days },
    attacks: runs,
    proof: { difficulty, findMs, verifyUs, ratio: (findMs * 1000) / verifyUs },
  };
}

/** Prints the runs as a table. */
export function printPoisoning(result: Awaited<ReturnType<typeof benchPoisoning>>): void {
  const { fleet, attacks, proof } = result;
  console.log(
    `\n== poisoning (steady fleet of ${fleet.installs} installs over ${fleet.days} days; rules off = every id counts from its first day) ==`,
  );
  console.log(
    'attack                               rules  d28 counted  d28 published  d28 counted (last day)  nixos bucket  crash-free pts  failed installs published  counts from day  flagged',
  );
  for (const r of attacks) {
    console.log(
      `${r.attack.padEnd(37)}${r.rules.padEnd(5)}${String(r.d28Moved).padStart(13)}${String(r.d28PublishedMoved).padStart(15)}${String(r.d28MovedLastDay).padStart(24)}${String(r.bucketMoved).padStart(14)}${r.crashFreeMovedPoints.toFixed(1).padStart(16)}${String(r.failedInstallsMoved).padStart(27)}${String(r.countsFromDay ?? 'never').padStart(17)}${(r.flagged ? 'yes' : 'no').padStart(9)}`,
    );
  }
  const floodOn = attacks.find((r) => r.rules === 'on' && r.attack.startsWith('flood'));
  const cohortOn = attacks.find((r) => r.rules === 'on' && r.attack.startsWith('cohort'));
  const failedOn = attacks.find((r) => r.rules === 'on' && r.attack.startsWith('failed'));
  const cap = deploymentConfig.screening.unestablishedInstallFailuresPerDay;
  console.log(
    `one-day flood moves the counted actives by ${floodOn?.d28Moved ?? '?'} and the published by ${floodOn?.d28PublishedMoved ?? '?'} (target 0: ${floodOn?.d28Moved === 0 && floodOn.d28PublishedMoved === 0 ? 'met' : 'MISSED'}); week-long cohort counts from day ${cohortOn?.countsFromDay ?? '?'} (target >= ${deploymentConfig.screening.establishedDays}) and is flagged that day: ${cohortOn?.flagged ? 'yes' : 'NO'}; a flood of failed installs moves them by ${failedOn?.failedInstallsMoved ?? '?'} (target <= the cap, ${cap}: ${(failedOn?.failedInstallsMoved ?? Infinity) <= cap ? 'met' : 'MISSED'})`,
  );
  console.log(
    `proof of work at ${proof.difficulty} bits: find ${proof.findMs.toFixed(1)} ms, check ${proof.verifyUs.toFixed(1)} µs (find/check ${proof.ratio.toFixed(0)}x)`,
  );
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  printPoisoning(await benchPoisoning({ quick: process.argv.includes('--quick') }));
}
