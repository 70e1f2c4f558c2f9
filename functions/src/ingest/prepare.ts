/**
 * The privacy pipeline every event passes before storage, whatever its wire format: time window,
 * the install's own id removed from every string, structured strings checked against their
 * shapes, attribute allowlist, scrubbing, pseudonymisation and a deterministic document id.
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { dayOf } from '../../../shared/dates.ts';
import type { Failure } from '../../../shared/schema/event.ts';
import {
  STORED_FAILURE_TEXT_MAX,
  STORED_MESSAGE_MAX,
  STORED_SYSDESCR_MAX,
} from '../../../shared/schema/limits.ts';
import { scrubAttributeValue, scrubFreeText } from '../privacy/scrub.ts';
import type { DeviceInfo, StoredEvent } from '../model/stored.ts';
import type { EventSource } from '../formats/registry.ts';
import { filterAttributes } from './allowlist.ts';
import type { BodyIssue } from '../../../shared/schema/api.ts';
import type { IncomingEvent } from '../model/incoming.ts';
import {
  installIdRedactor,
  normaliseInstallId,
  type InstallIdRedactor,
} from '../identity/install-id.ts';
import { contentId, pseudonymise, stableJson, unlinkableId } from '../identity/pseudonym.ts';
import { verifyProof } from './proof-of-work.ts';
import { keepShapedFields } from './shape-check.ts';

/** What preparing an event needs besides the event. */
export interface PrepareContext {
  secret: string;
  now: number;
  config: DeploymentConfig;
  source: EventSource;
  /**
   * The request's canonical content and the event's place in it, for an event without install
   * identity and without eventId: a byte-identical resend of the request on the same day then
   * gets the same document id and is stored once.
   */
  requestKey?: () => string;
}

/** A stored event ready to save, or why the client's event cannot be accepted. */
export type Prepared =
  { ok: true; event: StoredEvent; ignoredFields: string[] } | { ok: false; issue: BodyIssue };

const HOUR_MS = 3_600_000;

/** Turns one incoming event into the document that is stored. */
export function prepareEvent(
  incoming: IncomingEvent,
  path: (string | number)[],
  ctx: PrepareContext,
): Prepared {
  const day = eventDay(incoming.time, ctx);
  if (day === undefined) {
    const { lateArrivalHours, clockSkewMinutes } = ctx.config;
    return {
      ok: false,
      issue: {
        path: [...path, 'time'],
        message: `time must lie between ${lateArrivalHours} hours before and ${clockSkewMinutes} minutes after the server time (${new Date(ctx.now).toISOString()}); omit it to use the server time`,
      },
    };
  }
  const redactor = installIdRedactor(ownIds(incoming));
  const event = redactor ? redactStrings(incoming, redactor) : incoming;
  const shaped = keepShapedFields(event);
  const { kept: attributes, dropped } = filterAttributes(event.attributes, ctx.config);
  const scrubbed = {
    type: event.type,
    product: shaped.product,
    platform: shaped.platform,
    modules: shaped.modules,
    failure: event.failure && scrubFailure(event.failure),
    counters: shaped.counters,
    attributes: attributes && scrubAttributes(attributes),
    action: shaped.action,
    devices: shaped.devices?.map(scrubDevice),
  };
  // Scrubbing normalises text (invisible characters go, long text is cut): look for the id again
  // in what is stored, so no form of it survives in any string.
  const body = redactor ? redactStrings(scrubbed, redactor) : scrubbed;
  const optOut = incoming.type === 'opt_out';
  // Opt-outs are counted but never tied to the install's pseudonym.
  const installId = incoming.installId === null ? null : normaliseInstallId(incoming.installId);
  // The same pseudonym as installPseudonym() gives the erase paths for any form of the id.
  const install = installId && !optOut ? pseudonymise(ctx.secret, installId) : null;
  // Only whether the proof held is stored, never the nonce: an install that presents one counts
  // from its first day. One that fails (a lower difficulty once, a broken client) is ignored.
  const proven =
    install !== null &&
    incoming.proof !== undefined &&
    verifyProof(installId as string, incoming.proof, ctx.config.screening.proofOfWork.difficulty);
  const proofIgnored = incoming.proof !== undefined && !proven ? ['proof'] : [];
  const stored: StoredEvent = {
    id: documentId(
      { ...incoming, installId },
      install,
      day,
      () => stableJson({ ...body, time: incoming.time }),
      ctx,
    ),
    install,
    day,
    source: ctx.source,
    receivedAt: ctx.now,
    expireAt: ctx.now + ctx.config.eventRetentionDays * 24 * HOUR_MS,
    ...withoutUndefined(body),
    ...(proven ? { proof: true as const } : {}),
  };
  return {
    ok: true,
    event: stored,
    ignoredFields: [
      ...shaped.dropped,
      ...dropped.map((key) => `attributes.${key}`),
      ...proofIgnored,
    ],
  };
}

/** Every raw id the client sent for itself: none of them may appear in a stored string. */
function ownIds(incoming: IncomingEvent): string[] {
  const ids = new Set(incoming.identifiers);
  if (incoming.installId !== null) ids.add(incoming.installId);
  return [...ids];
}

/**
 * The event with the install's ids replaced in every string and object key (counter keys are
 * strings too), its own id fields included (they are not stored from here). Every string is
 * looked at: redacting one that holds no id returns it unchanged, so no shortcut can tell apart.
 */
function redactStrings<T extends object>(value: T, redactor: InstallIdRedactor): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactor.redact(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(node)) out[redactor.redact(key)] = walk(inner);
    return out;
  };
  const out: Record<string, unknown> = {};
  // The type is one of a fixed list and names what happened, never who: an install id spelled
  // like one (`heartbeat`) leaves it as it is.
  for (const [key, inner] of Object.entries(value)) out[key] = key === 'type' ? inner : walk(inner);
  return out as T;
}

/** The day an event counts for, or undefined when its time lies outside the accepted window. */
function eventDay(time: string | undefined, ctx: PrepareContext): string | undefined {
  if (time === undefined) return dayOf(ctx.now);
  const at = Date.parse(time);
  const earliest = ctx.now - ctx.config.lateArrivalHours * HOUR_MS;
  const latest = ctx.now + ctx.config.clockSkewMinutes * 60_000;
  if (!Number.isFinite(at) || at < earliest || at > latest) return undefined;
  return dayOf(at);
}

/** Same install + eventId, or same install + day + content, always yields the same id. */
function documentId(
  incoming: IncomingEvent,
  install: string | null,
  day: string,
  content: () => string,
  ctx: PrepareContext,
): string {
  const { installId, eventId } = incoming;
  if (incoming.type === 'opt_out' && installId) {
    return unlinkableId(ctx.secret, 'opt_out', installId, eventId ?? day);
  }
  if (install)
    return eventId
      ? contentId('id', install, eventId)
      : contentId('content', install, day, content());
  if (eventId) return contentId('anonymous', ctx.source, eventId);
  // Without an install identity, the request itself is the identity: a resend of the same body
  // on the same day is the same report (keyed, so the id reveals nothing of the content).
  if (ctx.requestKey) {
    return unlinkableId(ctx.secret, 'anonymous-content', ctx.source, day, ctx.requestKey());
  }
  return contentId(randomUUID());
}

function scrubFailure(failure: Failure): Failure {
  const scrubbed: Failure = { ...failure };
  if (failure.message !== undefined)
    scrubbed.message = scrubFreeText(failure.message, STORED_MESSAGE_MAX);
  for (const key of ['code', 'program', 'thread', 'function', 'file'] as const) {
    const value = failure[key];
    if (value !== undefined) scrubbed[key] = scrubFreeText(value, STORED_FAILURE_TEXT_MAX);
  }
  return scrubbed;
}

function scrubAttributes<T extends Record<string, unknown>>(attributes: T): T {
  const scrubbed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) scrubbed[key] = scrubAttributeValue(value);
  return scrubbed as T;
}

/** sysDescr is free text and is scrubbed; os and sysObjectID have passed their shapes. */
function scrubDevice(device: DeviceInfo): DeviceInfo {
  return withoutUndefined({
    ...device,
    sysDescr: device.sysDescr && scrubFreeText(device.sysDescr, STORED_SYSDESCR_MAX),
  });
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  const defined: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) defined[key] = value[key];
  return defined as T;
}
