// The differential-privacy section of `npm run bench` (and `npm run bench -- --privacy` alone):
// runs benchPrivacy on the demo fleet and prints its table, the target at the default ε with and
// without smoothing over time, the lag smoothing costs and, per section, the noise σ against the
// size of the buckets — what drives each section's error. `--alphas=0.3,0.4` adds other α values
// at the default ε, side by side; `--epsilons=6,7,9` other ε values with the configuration's α.
import { deploymentConfig } from '../../shared/config.ts';
import { benchPrivacy, type PrivacyBench } from './privacy.ts';

/** The utility target: median relative error of buckets backed by ≥ 100 installs. */
export interface PrivacyTarget {
  value: number;
  target: number;
  met: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/**
 * The α values `--alphas=0.3,0.5,…` asks to compare besides the configuration's (and none), at the
 * default ε: how the default was chosen.
 */
function alphasAsked(): number[] {
  return numbersAsked('--alphas=').filter((a) => a > 0 && a < 1);
}

/** The ε values `--epsilons=6,7,9` asks to measure besides the default ones (in (0, 50]). */
function epsilonsAsked(): number[] {
  return numbersAsked('--epsilons=').filter((e) => e > 0 && e <= 50);
}

/** The numbers of a `--name=a,b,c` argument; none when it is absent. */
function numbersAsked(prefix: string): number[] {
  const arg = process.argv.find((a) => a.startsWith(prefix));
  if (!arg) return [];
  return arg.slice(prefix.length).split(',').map(Number);
}

const alphaText = (a: number | false) => (a === false ? 'none' : String(a));

/** Runs the privacy bench at the default ε (and 2, 4 unless quick) and prints its figures. */
export async function runPrivacyBench(
  quick: boolean,
): Promise<{ privacy: PrivacyBench; target: PrivacyTarget }> {
  const defaultEpsilon = deploymentConfig.privacy.epsilon;
  const defaultAlpha = deploymentConfig.privacy.smoothingAlpha;
  // Every ε with the configuration's smoothing; the default ε also without it (and with the α
  // values asked for), side by side.
  const epsilons = [
    ...new Set([...(quick ? [defaultEpsilon] : [2, 4, defaultEpsilon, 8]), ...epsilonsAsked()]),
  ];
  const alphas = [...new Set<number | false>([defaultAlpha, false, ...alphasAsked()])];
  const privacy = await benchPrivacy({
    installs: 300,
    days: 90,
    settings: [
      ...epsilons
        .filter((e) => e !== defaultEpsilon)
        .map((epsilon) => ({ epsilon, smoothing: defaultAlpha })),
      ...alphas.map((smoothing) => ({ epsilon: defaultEpsilon, smoothing })),
    ].sort((a, b) => a.epsilon - b.epsilon),
  });
  console.log(
    `\n== differential privacy (demo fleet: ${privacy.installs} installs, ${privacy.days} days; the merge step's publication of the aggregation's own merged tallies; errors pooled over ${privacy.draws} draws of the noise; smoothed runs publish every day in order from 30 days before the first measured one) ==`,
  );
  console.log(
    'epsilon  alpha     rho  median err >=100  w/o unknown  signed  buckets  d28 err  d1 err  k=5 buckets hidden  last day  ms/day',
  );
  for (const r of privacy.runs) {
    console.log(
      `${String(r.epsilon).padEnd(9)}${alphaText(r.smoothing).padEnd(6)}${r.rho.toFixed(3).padStart(6)}${pct(r.medianErrorLargeBuckets).padStart(18)}${pct(r.medianErrorLargeKnown).padStart(13)}${pct(r.medianSignedErrorLarge).padStart(8)}${String(r.largeBuckets).padStart(9)}${pct(r.medianErrorD28).padStart(9)}${pct(r.medianErrorD1).padStart(8)}${`${r.hiddenVsK}/${r.kBuckets}`.padStart(20)}${`${r.hiddenVsKLastDay}/${r.kBucketsLastDay}`.padStart(10)}${r.msPerDay.toFixed(1).padStart(8)}`,
    );
  }
  const at = (smoothing: number | false) =>
    privacy.runs.find((r) => r.epsilon === defaultEpsilon && r.smoothing === smoothing);
  const atDefault = at(defaultAlpha);
  const fresh = at(false);
  const target: PrivacyTarget = {
    value: atDefault?.medianErrorLargeBuckets ?? Number.NaN,
    target: 0.02,
    met: (atDefault?.medianErrorLargeBuckets ?? 1) <= 0.02,
  };
  if (!atDefault) return { privacy, target };
  const { counterGroupsPerInstall, counterValuesPerInstall } = deploymentConfig.privacy;
  console.log(
    `median relative error of buckets >= 100 installs at the default epsilon ${defaultEpsilon}, smoothing ${alphaText(defaultAlpha)}: ${pct(target.value)} (target <= 2 %: ${target.met ? 'met' : 'MISSED'})${fresh && fresh !== atDefault ? `; without smoothing ${pct(fresh.medianErrorLargeBuckets)}` : ''}`,
  );
  console.log(
    `the same without counter groups and values (${atDefault.largeBuckets - atDefault.largeCounterBuckets} of the ${atDefault.largeBuckets} buckets; one install changes up to ${counterGroupsPerInstall} groups and ${counterValuesPerInstall} values): ${pct(atDefault.medianErrorLargeNoCounters)}${fresh && fresh !== atDefault ? ` (without smoothing ${pct(fresh.medianErrorLargeNoCounters)})` : ''}`,
  );
  // The lag smoothing costs: window buckets that grew since the day before are published low.
  console.log(
    'lag: window buckets >= 100 (d28, breakdowns) that grew by >= 2 installs since the day before',
  );
  console.log('alpha   buckets/draw  median growth/day  median signed err  relative  expected');
  for (const r of privacy.runs.filter((r) => r.epsilon === defaultEpsilon)) {
    const expected =
      r.smoothing === false ? 0 : (-r.growing.medianGrowth * (1 - r.smoothing)) / r.smoothing;
    console.log(
      `${alphaText(r.smoothing).padEnd(8)}${String(r.growing.buckets).padStart(12)}${r.growing.medianGrowth.toFixed(1).padStart(19)}${r.growing.medianSignedError.toFixed(2).padStart(19)}${pct(r.growing.medianSignedRelative).padStart(10)}${expected.toFixed(2).padStart(10)}`,
    );
  }
  // What drives the error: σ against the size of the buckets, section by section. A bucket of n
  // installs is off by about 0.67·σ/n at the median (before smoothing).
  console.log(
    `section (default epsilon)          buckets  median installs     sigma  0.67 sigma/n  err alpha ${alphaText(false)}  err alpha ${alphaText(defaultAlpha)}`,
  );
  for (const [section, s] of Object.entries(atDefault.bySection)) {
    const expected = section.endsWith('.sum') ? '' : pct((0.6745 * s.sigma) / s.medianInstalls);
    const without = fresh?.bySection[section]?.medianError;
    console.log(
      `${section.padEnd(36)}${String(s.buckets).padStart(6)}${String(s.medianInstalls).padStart(17)}${s.sigma.toFixed(2).padStart(10)}${expected.padStart(14)}${(without === undefined ? '' : pct(without)).padStart(16)}${pct(s.medianError).padStart(15)}`,
    );
  }
  console.log(
    `buckets k = 5 publishes that the noisy threshold hides, by section (all ${privacy.days} days): ${Object.entries(
      atDefault.hiddenBySection,
    )
      .map(([section, n]) => `${section} ${n}`)
      .join(', ')}`,
  );
  return { privacy, target };
}
