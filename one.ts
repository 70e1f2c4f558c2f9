import { benchScale } from './test/bench/scale.ts';
const spec = { day: '2026-01-15', events: Number(process.argv[2]), installs: Number(process.argv[3]), historyDays: Number(process.argv[4]) };
const r = await benchScale(spec, Number(process.argv[5] ?? 2));
console.log(JSON.stringify({ ...r, perShard: r.perShard.slice(0, 4) }, null, 1));
