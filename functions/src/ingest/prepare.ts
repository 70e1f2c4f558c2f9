/**
 * The privacy pipeline every event passes before storage, whatever its wire format: time window,
 * attribute allowlist, scrubbing, pseudonymisation and a deterministic document id.
 */
import { randomUUID } from 'node:crypto';
import type { DeploymentConfig } from '../../../shared/config.ts';
import { dayOf } from '../../../shared/dates.ts';
import type { Failure } from '../../../shared/schema/event.ts';
import { scrubAttributeValue, scrubFreeText } from '../privacy/scrub.ts';
import type { DeviceInfo, EventSource, StoredEvent } from '../store/types.ts';
import { filterAttributes } from './allowlist.ts';
import type { BodyIssue, IncomingEvent } from './incoming.ts';
import { contentId, pseudonymise, stableJson, unlinkableId } from './pseudonym.ts';

/** What preparing an event needs besides the event. */
export interface PrepareContext {
  secret: string;
  now: number;
  config: DeploymentConfig;
  source: EventSource;
}

/** A stored event ready to save, or why the client's event cannot be accepted. */
export type Prepared =
  { ok: true; event: StoredEvent; ignoredFields: string[] } | { ok: false; issue: BodyIssue };

const MESSAGE_MAX = 500;
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
  const { kept: attributes, dropped } = filterAttributes(incoming.attributes, ctx.config);
  const body = {
    type: incoming.type,
    product: incoming.product,
    platform: incoming.platform,
    modules: incoming.modules,
    failure: incoming.failure && scrubFailure(incoming.failure),
    counters: incoming.counters,
    attributes: attributes && scrubAttributes(attributes),
    action: incoming.action && scrubFreeText(incoming.action, 64),
    devices: incoming.devices?.map(scrubDevice),
  };
  const optOut = incoming.type === 'opt_out';
  // Opt-outs are counted but never tied to the install's pseudonym.
  const install =
    incoming.installId && !optOut ? pseudonymise(ctx.secret, incoming.installId) : null;
  const event: StoredEvent = {
    id: documentId(incoming, install, day, () => stableJson({ ...body, time: incoming.time }), ctx),
    install,
    day,
    source: ctx.source,
    receivedAt: ctx.now,
    expireAt: ctx.now + ctx.config.eventRetentionDays * 24 * HOUR_MS,
    ...withoutUndefined(body),
  };
  return { ok: true, event, ignoredFields: dropped.map((key) => `attributes.${key}`) };
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
  // Without an install identity, equal content from two installs is two reports.
  return eventId ? contentId('anonymous', ctx.source, eventId) : contentId('random', randomUUID());
}

function scrubFailure(failure: Failure): Failure {
  const scrubbed: Failure = { ...failure };
  if (failure.message !== undefined) scrubbed.message = scrubFreeText(failure.message, MESSAGE_MAX);
  for (const key of ['code', 'program', 'thread', 'function', 'file'] as const) {
    const value = failure[key];
    if (value !== undefined) scrubbed[key] = scrubFreeText(value, 256);
  }
  return scrubbed;
}

function scrubAttributes<T extends Record<string, unknown>>(attributes: T): T {
  const scrubbed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) scrubbed[key] = scrubAttributeValue(value);
  return scrubbed as T;
}

function scrubDevice(device: DeviceInfo): DeviceInfo {
  return withoutUndefined({
    count: device.count,
    os: device.os && scrubFreeText(device.os, 64),
    sysDescr: device.sysDescr && scrubFreeText(device.sysDescr, 255),
    sysObjectID: device.sysObjectID && scrubFreeText(device.sysObjectID, 128),
  });
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  const defined: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) defined[key] = value[key];
  return defined as T;
}
