// `npm run bench [-- --quick] [-- --stack] [-- --privacy]`: ingest throughput, aggregation compute, Firestore
// operations and what they cost, the site's build time and page weights, Lighthouse on every
// page, the scrubber's time against size, the accuracy of differentially private figures, how far
// poisoning attacks move the published figures, and with --stack the local stack under the load
// suite's ledger (it starts the firebase emulators on ports 5000/5001: run it under the port lock).
// Prints a table, writes bench-results/<timestamp>.json, ends with `ingest/bare ratio: <n>`.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { benchAggregate, type AggregateRun } from './aggregate.ts';
import { benchFirestoreOps } from './firestore-ops.ts';
import { dailyCost, PRICES, ASSUMPTIONS } from './cost.ts';
import { benchIdentical, benchScale } from './scale.ts';
import { benchIngest, type IngestRun } from './ingest.ts';
import { benchLighthouse, lighthouseReport } from './lighthouse.ts';
import { benchPoisoning, printPoisoning } from './poisoning.ts';
import { benchScrub } from './scrub.ts';
import { runPrivacyBench } from './privacy-report.ts';
import { benchSite } from './site.ts';
import { benchStack, type StackRun } from './stack.ts';

const quick = process.argv.includes('--quick');
const withStack = process.argv.includes('--stack');
// `npm run bench -- --lighthouse [--runs N] [--baseline <site folder>]`: the Lighthouse section
// alone (a few minutes), optionally with another checkout's site measured in the same run.
if (process.argv.includes('--lighthouse')) {
  const { lighthouseOnly } = await import('./lighthouse-only.ts');
  await lighthouseOnly(process.argv.slice(2));
  process.exit(0);
}
// `npm run bench -- --privacy`: the differential-privacy section alone (about a minute).
if (process.argv.includes('--privacy')) {
  await runPrivacyBench(quick);
  process.exit(0);
}
const started = Date.now();
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};
const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(10);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

console.log(`machine: ${JSON.stringify(machine)}${quick ? ' (quick)' : ''}`);

// 1. Ingest throughput.
const ingest = await benchIngest({
  seconds: quick ? 3 : 10,
  connections: 10,
  rounds: 2,
});
console.log('\n== ingest (functions-framework, 10 connections) ==');
console.log('mode      target  round      req/s   events/s   p50 ms   p99 ms  non2xx');
for (const r of ingest) {
  console.log(
    `${r.mode.padEnd(9)} ${r.target.padEnd(7)} ${String(r.round).padStart(5)}${fmt(r.requestsPerSecond)}${fmt(r.eventsPerSecond)}${fmt(r.p50Ms, 1).slice(1)}${fmt(r.p99Ms, 1).slice(1)}${String(r.non2xx + r.errors).padStart(8)}`,
  );
}
const avg = (mode: IngestRun['mode'], target: IngestRun['target'], key: keyof IngestRun) =>
  mean(ingest.filter((r) => r.mode === mode && r.target === target).map((r) => Number(r[key])));
const singleRatio =
  avg('single', 'ingest', 'requestsPerSecond') / avg('single', 'bare', 'requestsPerSecond');
const batchRatio =
  avg('batch100', 'ingest', 'requestsPerSecond') / avg('batch100', 'bare', 'requestsPerSecond');
const batchGain =
  avg('batch100', 'ingest', 'eventsPerSecond') / avg('single', 'ingest', 'eventsPerSecond');
const targets = {
  singleRatio: { value: singleRatio, target: 0.8, met: singleRatio >= 0.8 },
  batchEventsOverSingle: { value: batchGain, target: 20, met: batchGain >= 20 },
};
console.log(
  `single ingest/bare req/s: ${singleRatio.toFixed(3)} (target >= 0.8: ${targets.singleRatio.met ? 'met' : 'MISSED'})`,
);
console.log(`batch100 ingest/bare req/s: ${batchRatio.toFixed(3)}`);
console.log(
  `batch100 events/s / single events/s: ${batchGain.toFixed(1)} (target >= 20: ${targets.batchEventsOverSingle.met ? 'met' : 'MISSED'})`,
);

// 2. Aggregation compute: the fold of one day's events.
const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const aggregation: AggregateRun[] = [];
for (const n of sizes)
  for (const kind of ['fold', 'job'] as const) aggregation.push(await benchAggregate(n, kind));
console.log(
  '\n== aggregation of one day (fold = pages, history and publication of a shard; job = the whole in-process run on MemoryStore) ==',
);
console.log('kind    events    seconds   events/s  peak RSS MB  baseline MB');
for (const a of aggregation) {
  console.log(
    `${a.kind.padEnd(4)}${fmt(a.events)}${fmt(a.seconds, 3)}${fmt(a.eventsPerSecond)}${fmt(a.peakRssMb, 0).padStart(13)}${fmt(a.baselineRssMb, 0).padStart(13)}`,
  );
}

// 3. Scale: a simulated day with 90 days of history, each shard in its own process.
const DAY = '2026-01-15';
const bigDay = quick
  ? { day: DAY, events: 250_000, installs: 125_000, historyDays: 90 }
  : { day: DAY, events: 10_000_000, installs: 3_000_000, historyDays: 90 };
const costDay = quick
  ? bigDay
  : { day: DAY, events: 1_000_000, installs: 500_000, historyDays: 90 };
const PARALLELISM = 2;
const scale = await benchScale(bigDay, PARALLELISM);
const costRun = costDay === bigDay ? scale : await benchScale(costDay, PARALLELISM);
const identical = await benchIdentical(
  { day: DAY, events: 40_000, installs: 12_000, historyDays: 30 },
  16,
);
const maxShard = Math.max(...scale.perShard.map((s) => s.seconds));
const maxRss = Math.max(...scale.perShard.map((s) => s.peakRssMb));
// Cloud Tasks runs the shard tasks 8 at a time by default (AGGREGATE_SHARD_PARALLELISM), each
// on its own instance: the slowest shard's CPU time per wave.
const maxCpu = Math.max(...scale.perShard.map((s) => s.cpuSeconds));
const deployedWall = maxCpu * Math.ceil(scale.shards / 8) + scale.mergeSeconds;
console.log(
  `\n== scale: one day of ${scale.events.toLocaleString('en')} events from ${scale.installs.toLocaleString('en')} active installs, ${scale.historyDays} days of history ==`,
);
console.log('shard   seconds  CPU seconds  peak RSS MB');
for (const s of scale.perShard)
  console.log(
    `${String(s.shard).padStart(5)}${fmt(s.seconds, 1)}${fmt(s.cpuSeconds, 1).padStart(13)}${fmt(s.peakRssMb, 0).padStart(13)}`,
  );
const cpuTotal = scale.perShard.reduce((sum, s) => sum + s.cpuSeconds, 0);
console.log(
  `shards: ${scale.shards}; per shard: ≤ ${maxShard.toFixed(1)} s, ≤ ${maxRss.toFixed(0)} MB (target ≤ 1024 MB: ${maxRss <= 1024 ? 'met' : 'MISSED'})`,
);
console.log(
  `merge: ${scale.mergeSeconds.toFixed(2)} s; total wall time at parallelism ${PARALLELISM} (this machine): ${scale.wallSeconds.toFixed(0)} s (target < 600 s: ${scale.wallSeconds < 600 ? 'met' : 'MISSED'}); at Cloud Tasks' 8 at a time: ≈ ${deployedWall.toFixed(0)} s`,
);
console.log(
  `CPU time of all shards: ${cpuTotal.toFixed(0)} s; on this machine with nothing else running, ${PARALLELISM} at a time: ≈ ${(cpuTotal / PARALLELISM).toFixed(0)} s (target < 600 s: ${cpuTotal / PARALLELISM < 600 ? 'met' : 'MISSED'})`,
);
console.log(
  `published: d1 ${scale.activeInstalls.d1}, d7 ${scale.activeInstalls.d7}, d28 ${scale.activeInstalls.d28}`,
);
console.log(
  `Firestore for the day: ${scale.counted.reads.toLocaleString('en')} reads (${scale.counted.eventReads.toLocaleString('en')} events, ${scale.counted.pageReads.toLocaleString('en')} pages, ${scale.counted.countQueries} counts), ${scale.counted.writes.toLocaleString('en')} writes (${scale.counted.pageWrites} pages), ${(scale.counted.pageBytes / 2 ** 20).toFixed(1)} MiB of pages`,
);
console.log(
  `sharded (16) vs single-process on a day of 40,000 events: ${identical ? 'identical' : 'DIFFERENT'}`,
);

// 4. Firestore operations on the emulator.
const ops = await benchFirestoreOps(quick ? 3 : 10, 100);
console.log('\n== Firestore operations (Node emulator) ==');
console.log(
  `accepted events: ${ops.acceptedEvents}, commit writes: ${ops.ingestWrites}, writes/event: ${ops.writesPerEvent.toFixed(3)} (target <= 1: ${ops.writesPerEvent <= 1 ? 'met' : 'MISSED'})`,
);
console.log(`retry of a 100-event batch: ${ops.retryWrites} create attempts (all duplicates)`);
const readsOk = ops.aggregationReads <= ops.readBound;
const writesOk = ops.aggregationWrites <= ops.writeBound;
console.log(
  `aggregating the day (${ops.acceptedEvents} events, ${ops.installs} installs): ${ops.aggregationReads} reads (bound events + 257 bucket queries + 12 = ${ops.readBound}: ${readsOk ? 'met' : 'EXCEEDED'}), ${ops.aggregationWrites} writes (bound 257 pages + 3 = ${ops.writeBound}: ${writesOk ? 'met' : 'EXCEEDED'})`,
);
console.log(`recompute of the same day: ${ops.rerunReads} reads, ${ops.rerunWrites} writes`);
console.log(
  `stored per event: ${ops.eventDocumentBytes.toFixed(0)} B document + ${ops.eventIndexBytes.toFixed(0)} B index entries (approximate; ${ops.eventIndexBytesAllIndexed.toFixed(0)} B were every field indexed)`,
);

// 5. What 1 M events a day cost at list prices.
const cost = dailyCost(ops, costRun, 1_000_000);
const costPerDay = cost.reduce((sum, line) => sum + line.usdPerDay, 0);
const lateCost = dailyCost(ops, costRun, 1_000_000, 0.01).reduce((sum, l) => sum + l.usdPerDay, 0);
console.log(
  `\n== cost of 1,000,000 events/day (${PRICES.source}; aggregation counted on a day of ${costRun.events.toLocaleString('en')} events from ${costRun.installs.toLocaleString('en')} installs) ==`,
);
for (const line of cost) {
  console.log(
    `${line.item.padEnd(52)}${fmt(line.quantityPerDay, line.unit === 'GiB' ? 1 : 0).padStart(12)} ${line.unit.padEnd(9)} $${line.usdPerDay.toFixed(2).padStart(7)}/day`,
  );
}
console.log(
  `total: $${costPerDay.toFixed(2)}/day, $${(costPerDay * 30).toFixed(0)}/month (assuming ${ASSUMPTIONS.eventsPerRequest} event per request, ${ASSUMPTIONS.secondsPerRequest * 1000} ms instance time per request, no late events; with 1% of events sent late: $${lateCost.toFixed(2)}/day)`,
);
console.log(
  `cost per 1M events/day: $${costPerDay.toFixed(2)} (target <= $4.50: ${costPerDay <= 4.5 ? 'met' : 'MISSED'})`,
);

// 6. The site: build time with 90 days and 3 years of aggregates, bytes per page.
const site = await benchSite({ years: 3, installs: quick ? 100 : 300 });
console.log(`\n== site (astro build, ${quick ? 100 : 300} simulated installs) ==`);
console.log('days   snapshot KB   simulate s   build s');
for (const b of site.builds) {
  console.log(
    `${String(b.days).padEnd(5)}${fmt(b.snapshotBytes / 1024).padStart(13)}${fmt(b.simulateSeconds, 1).padStart(13)}${fmt(b.buildSeconds, 1)}`,
  );
}
const [shortBuild, longBuild] = site.builds;
const buildRatio = (longBuild?.buildSeconds ?? 0) / (shortBuild?.buildSeconds ?? 1);
console.log(`build time 3 years / 90 days: ${buildRatio.toFixed(2)}`);
console.log(
  `a Netdata-sized day: ${(site.netdataDayBytes / 1024).toFixed(0)} KB of JSON (${((site.netdataDayBytes * 1096) / 2 ** 20).toFixed(0)} MB for 3 years)`,
);
const weightRows = (label: string, pages: typeof site.pages) => {
  console.log(`${label.padEnd(28)}requests   API gz KB   total gz KB   budget KB`);
  for (const p of pages) {
    const over = p.totalBytes > p.budgetBytes ? '  OVER' : '';
    console.log(
      `  ${p.page.padEnd(26)}${String(p.requests).padStart(8)}${fmt(p.apiBytes / 1024, 1).padStart(12)}${fmt(p.totalBytes / 1024, 1).padStart(14)}${fmt(p.budgetBytes / 1024).padStart(12)}${over}`,
    );
  }
};
weightRows(`demo fleet, 3 years`, site.pages);
weightRows('Netdata-sized fleet, 3 years', site.netdataPages);
const withinBudget = [...site.pages, ...site.netdataPages].every(
  (p) => p.totalBytes <= p.budgetBytes,
);
console.log(`page weights within budget: ${withinBudget ? 'yes' : 'NO'}`);

// 7. Lighthouse, mobile profile, on every page and on a bare reference page.
const lighthouse = await benchLighthouse({ runs: quick ? 1 : 3 });
for (const line of lighthouseReport(lighthouse, quick ? 1 : 3)) console.log(line);

// 8. The scrubber: 64 KiB against 6.4 KiB of the same shape.
const scrub = benchScrub({ quick });
console.log('\n== scrubber (scrubFreeText, 6.4 KiB x10 vs 64 KiB x1) ==');
console.log('shape                6.4 KiB ms   64 KiB ms   ratio   ns/byte');
for (const r of scrub) {
  console.log(
    `${r.shape.padEnd(20)}${r.smallMs.toFixed(2).padStart(11)}${r.largeMs.toFixed(2).padStart(12)}${r.ratio.toFixed(1).padStart(8)}${r.nsPerByte.toFixed(0).padStart(10)}`,
  );
}
const worstScrubRatio = Math.max(...scrub.map((r) => r.ratio));
console.log(
  `worst 64 KiB / 6.4 KiB ratio: ${worstScrubRatio.toFixed(1)} (linear is about 10; target <= 20: ${worstScrubRatio <= 20 ? 'met' : 'MISSED'})`,
);

// 9. Differential privacy: accuracy of the published figures, and buckets the threshold hides.
const { privacy, target: privacyTarget } = await runPrivacyBench(quick);

// 10. The local stack (firebase emulators) under load, when asked for.
let stack: StackRun[] | undefined;
if (withStack) {
  stack = await benchStack({ seconds: quick ? 5 : 20, connections: [1, 8, 16] });
  console.log(
    `\n== local stack: hosting → ingest (functions emulator) → Firestore emulator, ${quick ? 5 : 20} s each ==`,
  );
  console.log('connections      req/s   p50 ms   p90 ms   p99 ms   max ms   events stored  ledger');
  for (const r of stack) {
    console.log(
      `${String(r.connections).padEnd(11)}${fmt(r.requestsPerSecond)}${fmt(r.latencyMs.p50).slice(1)}${fmt(r.latencyMs.p90).slice(1)}${fmt(r.latencyMs.p99).slice(1)}${fmt(r.latencyMs.max).slice(1)}${fmt(r.eventsStored).padStart(16)}  ${r.clean ? 'clean' : 'FAILED'}`,
    );
  }
}

// 10. Poisoning: three attacks on a steady fleet, before and after the screening rules.
const poisoning = await benchPoisoning({ quick });
printPoisoning(poisoning);

const results = {
  at: new Date().toISOString(),
  quick,
  machine,
  ingest,
  targets,
  batchRatio,
  aggregation,
  scale: { ...scale, deployedWallSeconds: deployedWall, identical },
  costRun,
  firestore: ops,
  cost: {
    eventsPerDay: 1_000_000,
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    lines: cost,
    usdPerDay: costPerDay,
    usdPerDayWithOnePercentLate: lateCost,
  },
  site: { ...site, buildRatio, withinBudget },
  lighthouse,
  scrub: { runs: scrub, worstRatio: worstScrubRatio },
  privacy: { ...privacy, target: privacyTarget },
  ...(stack ? { stack } : {}),
  poisoning,
  seconds: (Date.now() - started) / 1000,
};
await mkdir('bench-results', { recursive: true });
const file = `bench-results/${results.at.replace(/[:.]/g, '-')}.json`;
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nresults: ${file} (${results.seconds.toFixed(0)} s)`);
console.log(`ingest/bare ratio: ${singleRatio.toFixed(3)}`);
