// The differential-privacy section of `npm run bench` (and `npm run bench -- --privacy` alone):
// runs benchPrivacy on the demo fleet and prints its table, the target at the default ε and, per
// section, the noise σ against the size of the buckets — what drives each section's error.
import { deploymentConfig } from '../../shared/config.ts';
import { benchPrivacy, type PrivacyBench } from './privacy.ts';

/** The utility target: median relative error of buckets backed by ≥ 100 installs. */
export interface PrivacyTarget {
  value: number;
  target: number;
  met: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** Runs the privacy bench at the default ε (and 2, 4 unless quick) and prints its figures. */
export async function runPrivacyBench(
  quick: boolean,
): Promise<{ privacy: PrivacyBench; target: PrivacyTarget }> {
  const defaultEpsilon = deploymentConfig.privacy.epsilon;
  const privacy = await benchPrivacy({
    installs: 300,
    days: 90,
    epsilons: quick
      ? [defaultEpsilon]
      : [...new Set([2, 4, defaultEpsilon, 8])].sort((a, b) => a - b),
  });
  console.log(
    `\n== differential privacy (demo fleet: ${privacy.installs} installs, ${privacy.days} days; the merge step's publication of the aggregation's own merged tallies; errors pooled over ${privacy.draws} draws of the noise) ==`,
  );
  console.log(
    'epsilon      rho  median err >=100  w/o unknown  buckets  d28 err  d1 err  k=5 buckets hidden  last day  ms/day',
  );
  for (const r of privacy.runs) {
    console.log(
      `${String(r.epsilon).padEnd(8)}${r.rho.toFixed(3).padStart(6)}${pct(r.medianErrorLargeBuckets).padStart(18)}${pct(r.medianErrorLargeKnown).padStart(13)}${String(r.largeBuckets).padStart(9)}${pct(r.medianErrorD28).padStart(9)}${pct(r.medianErrorD1).padStart(8)}${`${r.hiddenVsK}/${r.kBuckets}`.padStart(20)}${`${r.hiddenVsKLastDay}/${r.kBucketsLastDay}`.padStart(10)}${r.msPerDay.toFixed(1).padStart(8)}`,
    );
  }
  const atDefault = privacy.runs.find((r) => r.epsilon === defaultEpsilon);
  const target: PrivacyTarget = {
    value: atDefault?.medianErrorLargeBuckets ?? Number.NaN,
    target: 0.02,
    met: (atDefault?.medianErrorLargeBuckets ?? 1) <= 0.02,
  };
  if (!atDefault) return { privacy, target };
  const { counterGroupsPerInstall, counterValuesPerInstall } = deploymentConfig.privacy;
  console.log(
    `median relative error of buckets >= 100 installs at the default epsilon ${defaultEpsilon}: ${pct(target.value)} (target <= 2 %: ${target.met ? 'met' : 'MISSED'})`,
  );
  console.log(
    `the same without counter groups and values (${atDefault.largeBuckets - atDefault.largeCounterBuckets} of the ${atDefault.largeBuckets} buckets; one install changes up to ${counterGroupsPerInstall} groups and ${counterValuesPerInstall} values): ${pct(atDefault.medianErrorLargeNoCounters)}`,
  );
  // What drives the error: σ against the size of the buckets, section by section. A bucket of n
  // installs is off by about 0.67·σ/n at the median.
  console.log(
    'section (default epsilon)          buckets  median installs     sigma  median err  0.67 sigma/n',
  );
  for (const [section, s] of Object.entries(atDefault.bySection)) {
    const expected = section.endsWith('.sum') ? '' : pct((0.6745 * s.sigma) / s.medianInstalls);
    console.log(
      `${section.padEnd(36)}${String(s.buckets).padStart(6)}${String(s.medianInstalls).padStart(17)}${s.sigma.toFixed(2).padStart(10)}${pct(s.medianError).padStart(12)}${expected.padStart(14)}`,
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
