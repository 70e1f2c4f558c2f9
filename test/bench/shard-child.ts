// One shard of the scale benchmark in its own process, so its peak memory is its own:
// `node shard-child.ts '<json {spec, plan, shard}>'` prints {shard, seconds, peakRssMb, counted,
// partials} as JSON.
import { deploymentConfig } from '../../shared/config.ts';
import { runShard } from '../../functions/src/aggregate/shard.ts';
import type { RunPlan } from '../../functions/src/model/stored.ts';
import type { FleetSpec } from './fleet.ts';
import { SimStore } from './sim-store.ts';

const { spec, plan, shard } = JSON.parse(process.argv[2] ?? '{}') as {
  spec: FleetSpec;
  plan: RunPlan;
  shard: number;
};
const store = new SimStore(spec);
const started = performance.now();
const cpuBefore = process.cpuUsage();
const partials = await runShard(
  {
    store,
    clock: () => Date.parse(`${plan.today}T00:15:00Z`),
    config: deploymentConfig,
    publicationSecret: () => 'bench',
    prefetchEvents: 0,
  },
  plan,
  shard,
);
console.log(
  JSON.stringify({
    shard,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (() => {
      const used = process.cpuUsage(cpuBefore);
      return (used.user + used.system) / 1e6;
    })(),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    counted: store.counted,
    partials,
  }),
);
