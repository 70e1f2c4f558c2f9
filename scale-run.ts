import { benchScale } from './test/bench/scale.ts';
const r = await benchScale({ day: '2026-01-15', events: 10_000_000, installs: 3_000_000, historyDays: 90 }, 2);
console.log(JSON.stringify(r, null, 1));
