/**
 * Drives POST /v1/events with the bodies of a load ledger (test/support/load-ledger.ts):
 * `connections` requests at a time, each connection sending its next body as soon as its last
 * one is answered, until a fixed number of requests is sent (tests: the same work however fast
 * the machine is) or a number of seconds has passed (`npm run bench`, which reports the
 * throughput). Rounds of 1, 2, 4, … `connections` concurrent requests come first, so a server
 * that starts workers on demand (the functions emulator) starts them a few at a time; their
 * answers are checked like the rest. Requests that got no answer are resent at the end until
 * they are answered.
 */
import { LoadLedger, type BodyKind, type LedgerOptions, type SentBody } from './load-ledger.ts';

/** How to drive the load: `requests` or `seconds`. */
export interface LoadOptions extends LedgerOptions {
  /** Base URL of the API (hosting in the local stack). */
  baseUrl: string;
  connections: number;
  /** Sends this many requests after the ramp-up... */
  requests?: number;
  /** ...or keeps sending for this many seconds. */
  seconds?: number;
  /** Seconds without an answer before a request counts as a timeout and is resent (default 60). */
  timeoutSeconds?: number;
  /** Ramps up to `connections` concurrent requests first, one more each round (default true). */
  rampUp?: boolean;
}

/** How the requests went, apart from what the ledger checks. */
export interface LoadRun {
  connections: number;
  /** Requests of the ramp-up, and of the load after it. */
  rampUpRequests: number;
  requests: number;
  /** Time the load took after the ramp-up, and what that makes per second. */
  seconds: number;
  requestsPerSecond: number;
  /** Of the load's answered requests. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** Ramps up, runs the load, resends what got no answer; returns the ledger and the figures. */
export async function runIngestLoad(
  options: LoadOptions,
): Promise<{ ledger: LoadLedger; run: LoadRun }> {
  if ((options.requests === undefined) === (options.seconds === undefined))
    throw new Error('runIngestLoad: give either requests or seconds');
  const ledger = new LoadLedger(options);
  const send = poster(ledger, options.baseUrl, (options.timeoutSeconds ?? 60) * 1000);
  const { connections } = options;

  // Round w sends w requests to the w - 1 workers the rounds before started: each of them gets
  // one, so the one started last serves its first (its slowest: its Firestore client connects)
  // while at most one new worker starts. A last round of `connections` warms the last one.
  let rampUpRequests = 0;
  if (options.rampUp ?? true) {
    for (const width of [...Array.from({ length: connections }, (_, i) => i + 1), connections]) {
      await Promise.all(Array.from({ length: width }, () => send(ledger.next())));
      rampUpRequests += width;
    }
  }

  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  const more = () =>
    options.requests !== undefined
      ? sent < options.requests
      : performance.now() - started < (options.seconds as number) * 1000;
  const connection = async () => {
    while (more()) {
      sent += 1;
      const answer = await send(ledger.next());
      if (answer.status !== 0) latencies.push(answer.ms);
    }
  };
  await Promise.all(Array.from({ length: connections }, connection));
  const seconds = (performance.now() - started) / 1000;

  await resendUnanswered(ledger, send);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.ceil(q * latencies.length) - 1] ?? 0);
  return {
    ledger,
    run: {
      connections,
      rampUpRequests,
      requests: sent,
      seconds,
      requestsPerSecond: Math.round(sent / seconds),
      latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) },
    },
  };
}

/** The figures of a run in one line, for the output of tests and benchmarks. */
export function formatLoadRun(run: LoadRun): string {
  const { latencyMs } = run;
  return (
    `${run.requests} requests over ${run.connections} connections (after ${run.rampUpRequests} ` +
    `ramping up) in ${run.seconds.toFixed(1)} s, ${run.requestsPerSecond} req/s; latency p50 ` +
    `${latencyMs.p50} ms, p90 ${latencyMs.p90} ms, p99 ${latencyMs.p99} ms, max ${latencyMs.max} ms`
  );
}

interface Answer {
  /** 0 when there was no answer. */
  status: number;
  ms: number;
  /** Seconds a 429 asks to wait. */
  retryAfter: number;
}

/** Sends one body and records the answer, or its absence, in the ledger. */
function poster(ledger: LoadLedger, baseUrl: string, timeoutMs: number) {
  return async ({ body, kind }: { body: SentBody; kind: BodyKind }): Promise<Answer> => {
    const started = performance.now();
    try {
      const response = await fetch(`${baseUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body.json,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      const retryAfter = response.headers.get('retry-after');
      ledger.answer(body, kind, response.status, text, retryAfter !== null);
      return {
        status: response.status,
        ms: performance.now() - started,
        retryAfter: Math.max(1, Number(retryAfter) || 1),
      };
    } catch (error) {
      const timeout = error instanceof DOMException && error.name === 'TimeoutError';
      ledger.noAnswer(body, kind, timeout, error instanceof Error ? (error.cause ?? error) : error);
      return { status: 0, ms: performance.now() - started, retryAfter: 1 };
    }
  };
}

/**
 * Sends every body whose latest request got no answer again, as a client would, until it is
 * answered with anything but 429 (waiting out the Retry-After of a 429), five attempts at most.
 */
async function resendUnanswered(
  ledger: LoadLedger,
  send: ReturnType<typeof poster>,
): Promise<void> {
  const pending = ledger.unanswered();
  ledger.report.resent = pending.length;
  const worker = async () => {
    for (let body = pending.shift(); body; body = pending.shift()) {
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        const { status, retryAfter } = await send({ body, kind: 'resend' });
        if (status !== 429 && status !== 0) break;
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
