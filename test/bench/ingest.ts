// Ingest throughput: autocannon against functions-framework serving a bare 204 handler and the
// real ingest handler, alternated bare/ingest/bare/ingest, with single events and batches of 100.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import { freePort } from '../../scripts/lib/firestore-emulator.ts';

/** One autocannon run. */
export interface IngestRun {
  mode: 'single' | 'batch100';
  target: 'bare' | 'ingest';
  round: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

let counter = 0;

function eventJson(): string {
  counter += 1;
  return JSON.stringify({
    schema: 1,
    installId: `bench-install-${counter % 1000}`,
    eventId: `bench-${process.pid}-${counter}`,
    type: 'heartbeat',
    product: { version: '1.6.0', channel: 'stable' },
    platform: { os: 'debian', osVersion: '12', arch: 'x86_64' },
    attributes: { cpu_cores: 8 },
  });
}

function body(size: number): string {
  if (size === 1) return eventJson();
  const events: string[] = [];
  for (let i = 0; i < size; i += 1) events.push(eventJson());
  return `{"events":[${events.join(',')}]}`;
}

async function drive(port: number, size: number, seconds: number, connections: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}/v1/events`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/json' },
          body: body(size),
        }),
      },
    ],
  });
}

/** Runs the alternated rounds and returns every run. */
export async function benchIngest(options: {
  seconds: number;
  connections: number;
  rounds: number;
}): Promise<IngestRun[]> {
  const ports = { bare: await freePort(), ingest: await freePort() };
  const node = process.execPath;
  const server = spawn(
    node,
    [new URL('./server.ts', import.meta.url).pathname, String(ports.bare), String(ports.ingest)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await once(server.stdout, 'data');
    const runs: IngestRun[] = [];
    for (const [mode, size] of [
      ['single', 1],
      ['batch100', 100],
    ] as const) {
      // One short warm-up of each, not recorded, so JIT and the store's first growth are out.
      for (const target of ['bare', 'ingest'] as const) await drive(ports[target], size, 1, 4);
      for (let round = 1; round <= options.rounds; round += 1) {
        for (const target of ['bare', 'ingest'] as const) {
          const r = await drive(ports[target], size, options.seconds, options.connections);
          const ok = r['2xx'] / r.duration;
          runs.push({
            mode,
            target,
            round,
            requestsPerSecond: r.requests.average,
            eventsPerSecond: ok * size,
            p50Ms: r.latency.p50,
            p99Ms: r.latency.p99,
            non2xx: r.non2xx,
            errors: r.errors,
          });
        }
      }
    }
    return runs;
  } finally {
    server.kill();
  }
}
