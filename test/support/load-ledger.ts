/**
 * A ledger of every event sent to POST /v1/events and every answer, so a test can prove
 * afterwards that each event answered 2xx is in the store exactly once and that no event refused
 * with 429 is. test/support/ingest-load.ts drives the requests; this file knows what they carry
 * and what their answers must say.
 *
 * Each request carries fresh events (unique eventIds under a run prefix), mostly one at a time
 * and every fourth request a batch of 2–10. Every `retryEvery`-th request instead resends a body
 * that was already answered, as a client retry would: an acknowledged one must come back as all
 * duplicates, a refused (429) one as all accepted. A request that got no answer (a timeout or a
 * socket error) is resent afterwards until answered, so the ledger ends with every event either
 * acknowledged or refused.
 */
import type { Firestore } from '@google-cloud/firestore';
import { installPseudonym } from '../../functions/src/identity/install-id.ts';
import { contentId } from '../../functions/src/identity/pseudonym.ts';

/** What the ledger's bodies look like. */
export interface LedgerOptions {
  /** Prefix of every installId and eventId sent, unique per run. */
  runId: string;
  /** Distinct installIds the events are spread over (default 100). */
  installs?: number;
  /** Every n-th request resends an answered body (default 10; 0 never). */
  retryEvery?: number;
}

/** Why a body is being sent. */
export type BodyKind = 'fresh' | 'retry-acked' | 'retry-refused' | 'resend';

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

/** One request body and the events it carries. */
export interface SentBody {
  seq: number;
  json: string;
  events: LoadEvent[];
  /** Its latest sending was answered (false again while a retry of it is on the way). */
  answered: boolean;
}

/** What the answers said, over the whole run. */
export interface LedgerReport {
  /** Answers by status. */
  statuses: Record<string, number>;
  /** Requests that got no answer within the client's timeout, and those that met a socket error. */
  timeouts: number;
  socketErrors: number;
  /** Bodies that got no answer and were sent again until they did. */
  resent: number;
  /** Distinct events sent, and the bodies that carried more than one. */
  events: number;
  batches: number;
  /** Sum of `accepted` over every 2xx answer. */
  accepted: number;
  /** Events stored by a request whose answer was lost (its resend found them as duplicates). */
  storedByLostAnswers: number;
  /** Events in a 2xx answer, and events only ever answered 429. */
  acknowledgedEvents: number;
  refusedEvents: number;
  rateLimited: number;
  retries: { acked: number; refused: number };
  /** Answers that contradict what the ledger knew (wrong counts, bad status, no Retry-After). */
  unexpected: string[];
}

const TYPES = ['heartbeat', 'start', 'stop'] as const;
const MAX_UNEXPECTED = 20;

/** Every body and event sent, and what the answers said about them. */
export class LoadLedger {
  readonly report: LedgerReport = {
    statuses: {},
    timeouts: 0,
    socketErrors: 0,
    resent: 0,
    events: 0,
    batches: 0,
    accepted: 0,
    storedByLostAnswers: 0,
    acknowledgedEvents: 0,
    refusedEvents: 0,
    rateLimited: 0,
    retries: { acked: 0, refused: 0 },
    unexpected: [],
  };
  private readonly options: Required<LedgerOptions>;
  private readonly bodies: SentBody[] = [];
  private readonly events = new Map<string, LoadEvent>();
  private readonly ackedQueue: SentBody[] = [];
  private readonly refusedQueue: SentBody[] = [];
  private seq = 0;

  constructor(options: LedgerOptions) {
    this.options = { installs: 100, retryEvery: 10, ...options };
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
    if (size > 1) this.report.batches += 1;
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
    // A body resent after a request that got no answer may have been stored by that request:
    // the resend reports those events as duplicates, and they count towards what the store must
    // hold.
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

  /**
   * Records a request that got no answer (`timeout`: none within the client's limit; otherwise a
   * socket error): its events may or may not be stored, so it must be resent.
   */
  noAnswer(body: SentBody, kind: BodyKind, timeout: boolean, error: unknown): void {
    if (timeout) this.report.timeouts += 1;
    else this.report.socketErrors += 1;
    for (const event of body.events) event.unanswered = true;
    this.unexpected(
      `request ${body.seq} (${kind}): ${timeout ? 'no answer in time' : String(error)}`,
    );
  }

  /** Bodies whose latest sending got no answer, to be sent again. */
  unanswered(): SentBody[] {
    return this.bodies.filter((b) => !b.answered);
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
export function loadVerdict(report: LedgerReport, store: StoreCheck) {
  return {
    // Every acknowledged event is stored; no event only ever refused with 429 is.
    missingAcknowledgedEvents: store.missing,
    storedRefusedEvents: store.leaked,
    // Every event was answered in the end (requests without an answer were resent).
    unansweredEvents: store.unanswered,
    // The store holds exactly the acknowledged events and nothing else of the run...
    storedMinusAcknowledged: store.stored - report.acknowledgedEvents,
    countedMinusStored: store.counted - store.stored,
    // ...and the server's own counts agree: what it said it accepted, plus what requests whose
    // answers were lost had stored, is what the store holds.
    storedMinusAccounted: store.stored - (report.accepted + report.storedByLostAnswers),
    // No 5xx or other failure status; every request answered, none cut off.
    failedStatuses: Object.keys(report.statuses).filter((s) => s !== '429' && !/^2/.test(s)),
    timeouts: report.timeouts,
    socketErrors: report.socketErrors,
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
  timeouts: 0,
  socketErrors: 0,
  unexpectedAnswers: [],
};

/** What the ledger and the store say, in one line. */
export function formatLedger(report: LedgerReport, store: StoreCheck): string {
  const statuses = Object.entries(report.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  return (
    `events: ${report.events} sent (${report.batches} batches), ${report.accepted} accepted + ` +
    `${report.storedByLostAnswers} stored by lost answers, ${store.stored} stored, ` +
    `${store.counted} counted; 429: ${report.rateLimited} answers, ${report.refusedEvents} events refused; ` +
    `retried bodies: ${report.retries.acked} acknowledged, ${report.retries.refused} refused; ` +
    `statuses ${statuses}; timeouts ${report.timeouts}, socket errors ${report.socketErrors}, ` +
    `resent ${report.resent}`
  );
}
