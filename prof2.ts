import { deploymentConfig } from './shared/config.ts';
import { runShard } from './functions/src/aggregate/shard.ts';
import { SimStore } from './test/bench/sim-store.ts';
const spec = { day: '2026-01-15', events: 250000, installs: 75000, historyDays: 90 };
const store = new SimStore(spec);
const plan = { id: 'b', createdAt: 0, today: '2026-01-16', days: ['2026-01-15'], rebuild: [], changed: ['2026-01-15'], shards: 1, erasures: [] };
const t = performance.now();
await runShard({ store, clock: () => 0, config: deploymentConfig, prefetchEvents: 0 }, plan, 0);
console.log('s', (performance.now() - t) / 1000);
