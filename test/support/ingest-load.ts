/**
 * Load against POST /v1/events with a ledger of every event sent and every answer, so a test can
 * prove afterwards that each event answered 2xx is in the store exactly once and that no event
 * refused with 429 is.
 *
 * Each request carries fresh events (unique eventIds under a run prefix), mostly one at a time
 * and every fourth request a batch of 2–10. Every `retryEvery`-th request instead resends a body
 * that was already answered, as a client retry would: an acknowledged one must come back as all
 * duplicates, a refused (429) one as all accepted. Requests still unanswered when the load stops
 * are resent afterwards until answered, so the ledger ends with every event either acknowledged
 * or refused.
 */
import type { Firestore } from '@google-cloud/firestore';
import { installPseudonym } from '../../functions/src/ingest/install-id.ts';
import { contentId } from '../../functions/src/ingest/pseudonym.ts';
import { runAutocannon, type Result } from './autocannon.ts';

/** How to drive the load. */
export interface LoadOptions {
  /** Base URL of the API (hosting in the local stack). */
  baseUrl: string;
  connections: number;
  seconds: number;
  /** Prefix of every installId and eventId sent, unique per run. */
  runId: string;
  /** Distinct installIds the events are spread over (default 100). */
  installs?: number;
  /** Every n-th request resends an answered body (default 10; 0 never). */
  retryEvery?: number;
  /** Seconds autocannon waits for an answer before counting a timeout (default 10). */
  timeoutSeconds?: number;
  /** Caps the measured run at this many requests per second (default: no cap). */
  overallRate?: number;
  /** The warm-up ends once two rounds' slowest answers take at most this long (default 1500). */
  warmUpSettledMs?: number;
  /** ...or after this many seconds (default 120). */
  warmUpBudgetSeconds?: number;
}

type BodyKind = 'fresh' | 'retry-acked' | 'retry-refused' | 'resend';

interface LoadEvent {
  installId: string;
  eventId: string;
  /** An answer 2xx covered it. */
  acked: boolean;
  /** An answer 429 covered it. */
  refused: boolean;
  /** A request carrying it went unanswered, so the server may have stored it regardless. */
  unanswered: boolean;
}

interface SentBody {
  seq: number;
  json: string;
  events: LoadEvent[];
  /** Its latest sending was answered (false again while a retry of it is on the way). */
  answered: boolean;
}

/** What the load run saw. */
export interface LoadReport {
  connections: number;
  seconds: number;
  /** The warm-up before the measured run. */
  warmUp: { rounds: number; requests: number; seconds: number; slowestMs: number };
  /** Requests answered while the load ran. */
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Answers by status, during the load and for the resends after it. */
  statuses: Record<string, number>;
  /** Socket errors and timeouts of the measured run (autocannon's figures). */
  errors: number;
  timeouts: number;
  /** Socket errors of the requests sent outside autocannon (warm-up, resends). */
  fetchErrors: number;
  /** Distinct events sent. */
  events: number;
  /** Sum of `accepted` over every 2xx answer. */
  accepted: number;
  /** Events stored by a request whose answer was lost (its resend found them as duplicates). */
  storedByLostAnswers: number;
  /** Events in a 2xx answer, and events only ever answered 429. */
  acknowledgedEvents: number;
  refusedEvents: number;
  rateLimited: number;
  retries: { acked: number; refused: number };
  /** Requests unanswered when the load stopped, all resent afterwards. */
  inFlightAtEnd: number;
  /** Answers that contradict what the ledger knew (wrong counts, bad status, no Retry-After). */
  unexpected: string[];
}

const TYPES = ['heartbeat', 'start', 'stop'] as const;
const MAX_UNEXPECTED = 20;

/** Warms up, runs the load, resends what was in flight when it stopped; returns the ledger. */
export async function runIngestLoad(options: LoadOptions): Promise<LoadLedger> {
  const ledger = new LoadLedger(options);
  await ledger.warmUp();
  const result = await runAutocannon({
    url: `${options.baseUrl}/v1/events`,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeoutSeconds ?? 10,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (req, context) => {
          const { body, kind } = ledger.next();
          context.body = body;
          context.kind = kind;
          return { ...req, headers: { 'content-type': 'application/json' }, body: body.json };
        },
        onResponse: (status, text, context, headers) => {
          ledger.answer(
            context.body as SentBody,
            context.kind as BodyKind,
            status,
            text,
            Object.keys(headers).some((name) => name.toLowerCase() === 'retry-after'),
          );
        },
      },
    ],
  });
  ledger.loadFinished(result);
  await ledger.resendUnanswered();
  return ledger;
}

/** Every body and event sent, and what the answers said about them. */
export class LoadLedger {
  readonly report: LoadReport;
  private readonly options: Required<Omit<LoadOptions, 'timeoutSeconds' | 'overallRate'>>;
  private readonly bodies: SentBody[] = [];
  private readonly events = new Map<string, LoadEvent>();
  private readonly ackedQueue: SentBody[] = [];
  private readonly refusedQueue: SentBody[] = [];
  private seq = 0;

  constructor(options: LoadOptions) {
    this.options = {
      installs: 100,
      retryEvery: 10,
      warmUpSettledMs: 1500,
      warmUpBudgetSeconds: 120,
      ...options,
    };
    this.report = {
      connections: options.connections,
      seconds: options.seconds,
      warmUp: { rounds: 0, requests: 0, seconds: 0, slowestMs: 0 },
      requests: 0,
      requestsPerSecond: 0,
      latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 },
      statuses: {},
      errors: 0,
      timeouts: 0,
      fetchErrors: 0,
      events: 0,
      accepted: 0,
      storedByLostAnswers: 0,
      acknowledgedEvents: 0,
      refusedEvents: 0,
      rateLimited: 0,
      retries: { acked: 0, refused: 0 },
      inFlightAtEnd: 0,
      unexpected: [],
    };
  }

  /** The next body to send: fresh events, or now and then a retry of an answered body. */
  next(): { body: SentBody; kind: BodyKind } {
    this.seq += 1;
    const seq = this.seq;
    const { retryEvery } = this.options;
    if (retryEvery > 0 && seq % retryEvery === 0) {
      // A refused body first: its retry is what a well-behaved client does after a 429.
      const refused = this.refusedQueue.shift();
      if (refused) {
        this.report.retries.refused += 1;
        refused.answered = false;
        return { body: refused, kind: 'retry-refused' };
      }
      const acked = this.ackedQueue.shift();
      if (acked) {
        this.report.retries.acked += 1;
        acked.answered = false;
        return { body: acked, kind: 'retry-acked' };
      }
    }
    const size = seq % 4 === 0 ? 2 + (seq % 9) : 1;
    const events: LoadEvent[] = [];
    const json: string[] = [];
    for (let i = 0; i < size; i += 1) {
      const event: LoadEvent = {
        installId: `${this.options.runId}-install-${(seq * 7 + i) % this.options.installs}`,
        eventId: `${this.options.runId}-${seq}-${i}`,
        acked: false,
        refused: false,
        unanswered: false,
      };
      this.events.set(event.eventId, event);
      events.push(event);
      json.push(
        JSON.stringify({
          schema: 1,
          installId: event.installId,
          eventId: event.eventId,
          type: TYPES[(seq + i) % TYPES.length],
          product: { version: '1.6.0' },
        }),
      );
    }
    const body: SentBody = {
      seq,
      json: size === 1 ? (json[0] as string) : `{"events":[${json.join(',')}]}`,
      events,
      answered: false,
    };
    this.bodies.push(body);
    return { body, kind: 'fresh' };
  }

  /** Records one answer and checks it against what the ledger knows about the body. */
  answer(
    body: SentBody,
    kind: BodyKind,
    status: number,
    text: string,
    hasRetryAfter: boolean,
  ): void {
    body.answered = true;
    this.report.statuses[status] = (this.report.statuses[status] ?? 0) + 1;
    const n = body.events.length;
    const where = `request ${body.seq} (${kind}, ${n} event${n === 1 ? '' : 's'})`;
    if (status === 429) {
      this.report.rateLimited += 1;
      if (!hasRetryAfter) this.unexpected(`${where}: 429 without Retry-After`);
      for (const event of body.events) event.refused = true;
      // Only a body none of whose events was stored may be expected back as all accepted.
      if (kind !== 'retry-acked' && body.events.every((e) => !e.acked))
        this.refusedQueue.push(body);
      return;
    }
    if (status < 200 || status > 299) {
      this.unexpected(`${where}: status ${status} ${text.slice(0, 200)}`);
      return;
    }
    let answer: { accepted?: unknown; duplicates?: unknown; ignoredFields?: unknown };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      this.unexpected(`${where}: ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const { accepted, duplicates, ignoredFields } = answer;
    if (typeof accepted !== 'number' || typeof duplicates !== 'number') {
      this.unexpected(`${where}: ${status} without counts: ${text.slice(0, 200)}`);
      return;
    }
    this.report.accepted += accepted;
    // A body every event of which was acknowledged before must come back as all duplicates.
    // A resent body that was in flight when the load stopped may have been stored by the request
    // whose answer was lost: the resend reports those events as duplicates, and they count
    // towards what the store must hold.
    const ackedBefore = body.events.every((e) => e.acked);
    const expected =
      kind === 'retry-acked' || ackedBefore
        ? { accepted: 0, duplicates: n }
        : kind === 'resend'
          ? undefined
          : { accepted: n, duplicates: 0 };
    const wrong = expected
      ? accepted !== expected.accepted || duplicates !== expected.duplicates
      : accepted + duplicates !== n;
    if (wrong) this.unexpected(`${where}: ${status} ${text}`);
    if (!expected) this.report.storedByLostAnswers += duplicates;
    if (!Array.isArray(ignoredFields) || ignoredFields.length > 0)
      this.unexpected(`${where}: ignoredFields ${JSON.stringify(ignoredFields)}`);
    for (const event of body.events) event.acked = true;
    if (kind === 'fresh') this.ackedQueue.push(body);
  }

  /** Takes autocannon's own figures for the load phase. */
  loadFinished(result: Result): void {
    Object.assign(this.report, {
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.total / result.duration),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        max: result.latency.max,
      },
      errors: result.errors,
      timeouts: result.timeouts,
    });
    this.report.inFlightAtEnd = this.bodies.filter((b) => !b.answered).length;
  }

  /**
   * Brings the server to a steady state before the measured run: rounds of `connections`
   * concurrent requests until two rounds in a row are each answered within `warmUpSettledMs`
   * (a server that starts workers on demand has then started all it needs), or the budget is
   * spent. Its answers go through the same checks as the load's.
   */
  async warmUp(): Promise<void> {
    const { connections, warmUpSettledMs, warmUpBudgetSeconds } = this.options;
    const warm = this.report.warmUp;
    const started = Date.now();
    let settledRounds = 0;
    while (settledRounds < 2 && Date.now() - started < warmUpBudgetSeconds * 1000) {
      const round = await Promise.all(
        Array.from({ length: connections }, async () => {
          const { body, kind } = this.next();
          return (await this.post(body, kind)).ms;
        }),
      );
      warm.rounds += 1;
      warm.requests += round.length;
      warm.slowestMs = Math.max(...round);
      settledRounds = warm.slowestMs <= warmUpSettledMs ? settledRounds + 1 : 0;
    }
    warm.seconds = Math.round((Date.now() - started) / 1000);
  }

  /** Resends every body the load left unanswered until it is answered 2xx (waiting out 429s). */
  async resendUnanswered(): Promise<void> {
    const pending = this.bodies.filter((b) => !b.answered);
    for (const body of pending) for (const event of body.events) event.unanswered = true;
    const worker = async () => {
      for (let body = pending.shift(); body; body = pending.shift()) {
        for (let attempt = 1; attempt <= 5; attempt += 1) {
          const { status, retryAfter } = await this.post(body, 'resend');
          if (status !== 429 && status !== 0) break;
          await new Promise((r) => setTimeout(r, retryAfter * 1000));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }

  /**
   * Sends one body outside autocannon and records the answer: its status (0 after a socket
   * error, which leaves the body unanswered), milliseconds, and the seconds a 429 asks to wait.
   */
  private async post(
    body: SentBody,
    kind: BodyKind,
  ): Promise<{ status: number; ms: number; retryAfter: number }> {
    const started = Date.now();
    try {
      const response = await fetch(`${this.options.baseUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body.json,
      });
      const text = await response.text();
      const retryAfter = response.headers.get('retry-after');
      this.answer(body, kind, response.status, text, retryAfter !== null);
      return {
        status: response.status,
        ms: Date.now() - started,
        retryAfter: Math.max(1, Number(retryAfter) || 1),
      };
    } catch (error) {
      this.report.fetchErrors += 1;
      this.unexpected(`request ${body.seq} (${kind}): ${String(error)}`);
      return { status: 0, ms: Date.now() - started, retryAfter: 1 };
    }
  }

  /** Installs the events were spread over. */
  installIds(): string[] {
    return Array.from(
      { length: this.options.installs },
      (_, i) => `${this.options.runId}-install-${i}`,
    );
  }

  /**
   * Looks every event sent up in the `events` collection by the document id the ingest pipeline
   * derives for it, and counts all documents of the run's installs.
   */
  async checkStore(firestore: Firestore, secret: string): Promise<StoreCheck> {
    const pseudonyms = new Map<string, string>();
    for (const installId of this.installIds())
      pseudonyms.set(installId, installPseudonym(secret, installId));
    const all = [...this.events.values()];
    const refs = all.map((e) =>
      firestore
        .collection('events')
        .doc(contentId('id', pseudonyms.get(e.installId) as string, e.eventId)),
    );
    const stored = new Set<LoadEvent>();
    for (let i = 0; i < refs.length; i += 300) {
      const snapshots = await firestore.getAll(...refs.slice(i, i + 300));
      snapshots.forEach((snapshot, j) => {
        if (snapshot.exists) stored.add(all[i + j] as LoadEvent);
      });
    }
    let counted = 0;
    const values = [...pseudonyms.values()];
    for (let i = 0; i < values.length; i += 30) {
      const query = firestore
        .collection('events')
        .where('install', 'in', values.slice(i, i + 30))
        .count();
      counted += (await query.get()).data().count;
    }
    const acked = all.filter((e) => e.acked);
    // Only events every request of which was answered 429 are known not to be stored.
    const refusedOnly = all.filter((e) => e.refused && !e.acked && !e.unanswered);
    this.report.events = all.length;
    this.report.acknowledgedEvents = acked.length;
    this.report.refusedEvents = refusedOnly.length;
    const sample = (events: LoadEvent[]) => events.slice(0, 10).map((e) => e.eventId);
    return {
      stored: stored.size,
      counted,
      missing: sample(acked.filter((e) => !stored.has(e))),
      missingCount: acked.filter((e) => !stored.has(e)).length,
      leaked: sample(refusedOnly.filter((e) => stored.has(e))),
      leakedCount: refusedOnly.filter((e) => stored.has(e)).length,
      unanswered: all.filter((e) => !e.acked && !(e.refused && !e.unanswered)).length,
    };
  }

  private unexpected(message: string): void {
    if (this.report.unexpected.length < MAX_UNEXPECTED) this.report.unexpected.push(message);
    else if (this.report.unexpected.length === MAX_UNEXPECTED) this.report.unexpected.push('…');
  }
}

/** What the store holds of a load run. */
export interface StoreCheck {
  /** Events of the run found under their derived document ids. */
  stored: number;
  /** All documents of the run's installs (catches documents under any other id). */
  counted: number;
  /** Acknowledged events not found (first ten eventIds), and how many. */
  missing: string[];
  missingCount: number;
  /** Events only ever refused with 429 that were stored anyway (first ten), and how many. */
  leaked: string[];
  leakedCount: number;
  /** Events that never got an answer. */
  unanswered: number;
}

/**
 * Every way a load run can go wrong, as numbers and lists that are all zero or empty when it went
 * right (compare with CLEAN_VERDICT), so a failure shows all of them at once.
 */
export function loadVerdict(report: LoadReport, store: StoreCheck) {
  return {
    // Every acknowledged event is stored; no event only ever refused with 429 is.
    missingAcknowledgedEvents: store.missing,
    storedRefusedEvents: store.leaked,
    // Every event was answered in the end (the load's last requests were resent).
    unansweredEvents: store.unanswered,
    // The store holds exactly the acknowledged events and nothing else of the run...
    storedMinusAcknowledged: store.stored - report.acknowledgedEvents,
    countedMinusStored: store.counted - store.stored,
    // ...and the server's own counts agree: what it said it accepted, plus what requests whose
    // answers were lost when the load stopped had stored, is what the store holds.
    storedMinusAccounted: store.stored - (report.accepted + report.storedByLostAnswers),
    // No 5xx or other failure status, no socket errors or timeouts.
    failedStatuses: Object.keys(report.statuses).filter((s) => s !== '429' && !/^2/.test(s)),
    errors: report.errors,
    timeouts: report.timeouts,
    fetchErrors: report.fetchErrors,
    // Every answer's counts agree with what the ledger knew about its body: fresh events all
    // accepted, retried acknowledged ones all duplicates, retried refused ones all accepted.
    unexpectedAnswers: report.unexpected,
  };
}

/** The verdict of a run that went right. */
export const CLEAN_VERDICT: ReturnType<typeof loadVerdict> = {
  missingAcknowledgedEvents: [],
  storedRefusedEvents: [],
  unansweredEvents: 0,
  storedMinusAcknowledged: 0,
  countedMinusStored: 0,
  storedMinusAccounted: 0,
  failedStatuses: [],
  errors: 0,
  timeouts: 0,
  fetchErrors: 0,
  unexpectedAnswers: [],
};

/** The figures in one line, for the test's output. */
export function formatLoadReport(report: LoadReport, store: StoreCheck): string {
  const { warmUp, latencyMs } = report;
  const statuses = Object.entries(report.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  return (
    `load: ${report.connections} connections × ${report.seconds} s: ` +
    `${report.requests} requests answered (${report.requestsPerSecond} req/s), ` +
    `latency p50 ${latencyMs.p50} ms p90 ${latencyMs.p90} ms p99 ${latencyMs.p99} ms max ${latencyMs.max} ms; ` +
    `events: ${report.events} sent, ${report.accepted} accepted + ${report.storedByLostAnswers} ` +
    `stored by lost answers, ${store.stored} stored, ` +
    `${store.counted} counted; 429: ${report.rateLimited} answers, ${report.refusedEvents} events refused; ` +
    `retried bodies: ${report.retries.acked} acknowledged, ${report.retries.refused} refused; ` +
    `in flight at the end: ${report.inFlightAtEnd} (resent); statuses ${statuses}; ` +
    `errors ${report.errors}, timeouts ${report.timeouts}, fetch errors ${report.fetchErrors}; ` +
    `warm-up: ${warmUp.rounds} rounds of ${report.connections} in ${warmUp.seconds} s, last round's slowest ${warmUp.slowestMs} ms`
  );
}
