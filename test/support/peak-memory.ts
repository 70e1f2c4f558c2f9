/**
 * Runs a command and reports the peak memory of its whole process tree, children included
 * (vitest's workers, the Firestore emulator, the firebase CLI and its function workers):
 *
 *   npm exec -- node test/support/peak-memory.ts npm test
 *
 * `/usr/bin/time -v` reports only the largest single process, so this samples /proc instead:
 * every process descended from the command (by parent id, or by a marker in its environment when
 * it was re-parented to init) is summed, as PSS every two seconds (shared pages divided among the
 * processes sharing them: what the tree really occupies; reading it costs the kernel a walk of
 * each process's memory map) and as RSS twice a second (shared pages counted in every process:
 * an upper bound). Linux only. Exits with the command's status.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const RSS_SAMPLE_MS = 500;
const PSS_EVERY = 4;
const MARKER = `HOMECALL_PEAK_MEMORY=${process.pid}`;

interface Sample {
  pssKb: number;
  rssKb: number;
  processes: { pid: number; name: string; pssKb: number }[];
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** Parent of every process, from /proc/<pid>/stat (the name may hold spaces and parentheses). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    map.set(Number(entry), Number(fields[1]));
  }
  return map;
}

/** The root and every process below it, or carrying the marker in its environment. */
function tree(root: number): number[] {
  const byParent = parents();
  const members = new Set<number>([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of byParent)
      if (!members.has(pid) && members.has(ppid)) {
        members.add(pid);
        grew = true;
      }
  }
  for (const [pid, ppid] of byParent)
    if (ppid === 1 && read(`/proc/${pid}/environ`)?.split('\0').includes(MARKER)) members.add(pid);
  return [...members];
}

function kb(text: string | undefined, field: string): number {
  const match = text?.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** PSS of every process of the tree (and RSS, summed). */
function sample(pids: number[]): Sample {
  const processes: Sample['processes'] = [];
  let rssKb = 0;
  for (const pid of pids) {
    const rollup = read(`/proc/${pid}/smaps_rollup`);
    if (!rollup) continue;
    rssKb += kb(rollup, 'Rss');
    const name = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim().slice(0, 100);
    processes.push({ pid, name, pssKb: kb(rollup, 'Pss') });
  }
  const pssKb = processes.reduce((sum, p) => sum + p.pssKb, 0);
  return { pssKb, rssKb, processes };
}

/** RSS of the tree, summed: cheap enough to read often. */
function rssSum(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + kb(read(`/proc/${pid}/status`), 'VmRSS'), 0);
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node test/support/peak-memory.ts <command> [args...]');
  process.exit(2);
}

const started = Date.now();
const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, HOMECALL_PEAK_MEMORY: String(process.pid) },
});
let peak: Sample & { atSeconds: number } = { pssKb: 0, rssKb: 0, processes: [], atSeconds: 0 };
let peakRssKb = 0;
let peakProcesses = 0;
let ticks = 0;
const timer = setInterval(() => {
  if (child.pid === undefined) return;
  const pids = tree(child.pid);
  peakProcesses = Math.max(peakProcesses, pids.length);
  peakRssKb = Math.max(peakRssKb, rssSum(pids));
  ticks += 1;
  if (ticks % PSS_EVERY !== 0) return;
  const now = sample(pids);
  if (now.pssKb > peak.pssKb) peak = { ...now, atSeconds: (Date.now() - started) / 1000 };
}, RSS_SAMPLE_MS);

const code = await new Promise<number>((resolve) =>
  child.on('close', (status, signal) => resolve(status ?? (signal ? 1 : 0))),
);
clearInterval(timer);
const mb = (k: number) => `${(k / 1024).toFixed(0)} MB`;
const top = [...peak.processes]
  .sort((a, b) => b.pssKb - a.pssKb)
  .slice(0, 8)
  .map((p) => `  ${mb(p.pssKb).padStart(8)}  ${p.name}`)
  .join('\n');
console.error(
  `\npeak memory of the process tree: ${mb(peak.pssKb)} PSS at ${peak.atSeconds.toFixed(0)} s ` +
    `(${peak.processes.length} processes); highest RSS sum ${mb(peakRssKb)}; ` +
    `at most ${peakProcesses} processes; ${((Date.now() - started) / 1000).toFixed(0)} s in all, ` +
    `exit ${code}\nlargest at the peak (PSS):\n${top}`,
);
process.exit(code);
