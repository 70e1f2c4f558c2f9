import { deploymentConfig } from './shared/config.ts';
import { syntheticDay } from './test/bench/aggregate.ts';
import { BUCKETS, bucketId } from './functions/src/aggregate/buckets.ts';
import { addExact, emptyExact } from './functions/src/aggregate/exact.ts';
import { bucketHistory } from './functions/src/aggregate/history.ts';
import { buildPage, pageLocal } from './functions/src/aggregate/page.ts';
import { publishDay } from './functions/src/aggregate/publish.ts';
import { buildDayAggregate } from '/work/main/functions/src/aggregate/day.ts';
import { eventsByInstall, recordDay } from '/work/main/functions/src/aggregate/installs.ts';
const DAY = '2026-01-15';
const n = Number(process.argv[2]);
const byBucket = syntheticDay(n);
const all = byBucket.flat();
function mine() {
  const total = emptyExact(DAY);
  byBucket.forEach((events, b) => {
    const page = buildPage(DAY, bucketId(b), events, deploymentConfig);
    addExact(total, pageLocal(page));
    const h = bucketHistory(new Map([[DAY, page]]), [DAY], deploymentConfig).get(DAY);
    if (h) addExact(total, h);
  });
  return publishDay(total, deploymentConfig, { final: true, run: { computedAt: 'x', documentsRead: 0, documentsWritten: 0 } });
}
function old() {
  const installs = [...eventsByInstall(all)].map(([id, list]) => recordDay(undefined, id, DAY, list, 90));
  return buildDayAggregate({ day: DAY, events: all, installs, final: true, config: deploymentConfig, run: { computedAt: 'x', documentsRead: 0, documentsWritten: 0 } });
}
const a = mine(), b = old();
console.log('same', JSON.stringify(a) === JSON.stringify(b));
for (let r = 0; r < 3; r++) {
  let t = performance.now(); old(); const o = performance.now() - t;
  t = performance.now(); mine(); const m = performance.now() - t;
  console.log('old', o.toFixed(0), 'new', m.toFixed(0), 'ratio', (m / o).toFixed(2));
}
