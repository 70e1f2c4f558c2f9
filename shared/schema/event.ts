/**
 * Canonical event v1: the one wire format agents send to `POST /v1/events`, and the shape every
 * compat adapter (Netdata, LibreNMS, Clean Insights) maps its bodies to. Every string is
 * bounded and every number ranged; unknown keys are reported, never stored.
 */
import { z } from 'zod';
import {
  ATTRIBUTE_TEXT_MAX,
  COUNTER_KEY_SHAPE,
  MODULE_SHAPES,
  PLATFORM_SHAPES,
  PRODUCT_SHAPES,
  shapedString,
  type FieldShape,
} from './shapes.ts';

/** Kinds of event an agent reports. */
export const EVENT_TYPES = [
  'install',
  'upgrade',
  'heartbeat',
  'start',
  'stop',
  'crash',
  'fatal',
  'install_failed',
  'opt_out',
  'report',
] as const;

/** Largest number of events one request may carry. */
export const MAX_EVENTS_PER_REQUEST = 100;

const text = (max: number) => z.string().trim().min(1).max(max);
/** A structured string: its shape is checked, and a value that fails it is dropped, not fatal. */
const shaped = (shape: FieldShape, description: string) =>
  shapedString(shape).describe(description);
const count = z.number().int().min(0).max(1e12);

export const eventTypeSchema = z.enum(EVENT_TYPES).describe('What happened.');

export const productSchema = z
  .strictObject({
    version: shaped(
      PRODUCT_SHAPES.version,
      'Version of the software, e.g. 1.44.3 or v1.44.3.',
    ).optional(),
    channel: shaped(PRODUCT_SHAPES.channel, 'Release channel, e.g. stable or nightly.').optional(),
    installMethod: shaped(
      PRODUCT_SHAPES.installMethod,
      'How it was installed, e.g. kickstart, docker, deb.',
    ).optional(),
  })
  .describe('The software that reports.');

export const platformSchema = z
  .strictObject({
    os: shaped(
      PLATFORM_SHAPES.os,
      'Operating system family or distribution id, e.g. debian, macos.',
    ).optional(),
    osVersion: shaped(PLATFORM_SHAPES.osVersion, 'Operating system version, e.g. 12.').optional(),
    osLike: shaped(
      PLATFORM_SHAPES.osLike,
      'Distributions this one is like, e.g. debian or rhel fedora.',
    ).optional(),
    kernel: shaped(PLATFORM_SHAPES.kernel, 'Kernel name, e.g. Linux.').optional(),
    kernelVersion: shaped(
      PLATFORM_SHAPES.kernelVersion,
      'Kernel version, e.g. 6.1.0-18-amd64.',
    ).optional(),
    arch: shaped(PLATFORM_SHAPES.arch, 'CPU architecture, e.g. x86_64.').optional(),
    virtualization: shaped(
      PLATFORM_SHAPES.virtualization,
      'Virtualization technology, e.g. kvm, none.',
    ).optional(),
    container: shaped(
      PLATFORM_SHAPES.container,
      'Container technology, e.g. docker, none.',
    ).optional(),
  })
  .describe('Where the software runs.');

export const moduleSchema = z
  .strictObject({
    name: shaped(MODULE_SHAPES.name, 'Module, plugin or component name.'),
    version: shaped(MODULE_SHAPES.version, 'Its version.').optional(),
  })
  .describe('An enabled module.');

export const failureSchema = z
  .strictObject({
    code: text(64).describe('Error code, e.g. an installer F-code.').optional(),
    message: text(2000)
      .describe('Error message; scrubbed and shortened before storage.')
      .optional(),
    program: text(64).describe('Program that failed.').optional(),
    thread: text(64).describe('Thread that failed.').optional(),
    function: text(128).describe('Function where it failed.').optional(),
    file: text(256).describe('Source file where it failed.').optional(),
    line: z.number().int().min(0).max(10_000_000).describe('Source line.').optional(),
    errno: z.number().int().min(-100_000).max(100_000).describe('OS error number.').optional(),
  })
  .describe('What went wrong, for crash, fatal and install_failed events.');

export const countersSchema = z
  .record(shapedString(COUNTER_KEY_SHAPE, { trim: false }), count)
  .refine((counters) => Object.keys(counters).length <= 500, 'at most 500 counters')
  .describe('Facts counted by the install, keyed <group>.<value> (LibreNMS style).');

export const attributeValueSchema = z.union([
  z.string().max(ATTRIBUTE_TEXT_MAX),
  z.number().min(-1e12).max(1e12),
  z.boolean(),
]);

export const attributesSchema = z
  .record(z.string().min(1).max(64), attributeValueSchema)
  .describe('Further facts; only keys the deployment allows are kept.');

export const canonicalEventSchema = z
  .strictObject({
    schema: z.literal(1).describe('Version of this format.'),
    installId: text(128).describe('Stable random id the agent keeps; stored only as a keyed hash.'),
    eventId: text(128).describe('Unique id of this event, so retries are stored once.').optional(),
    type: eventTypeSchema,
    time: z.iso
      .datetime({ offset: true })
      .describe('When it happened; accepted within 72 hours back and 5 minutes ahead.')
      .optional(),
    product: productSchema.optional(),
    platform: platformSchema.optional(),
    modules: z.array(moduleSchema).max(100).optional(),
    failure: failureSchema.optional(),
    counters: countersSchema.optional(),
    attributes: attributesSchema.optional(),
  })
  .describe('One event reported by an install.');

export const eventBatchSchema = z
  .strictObject({
    events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_REQUEST),
  })
  .describe('Several events in one request.');

export type EventType = z.infer<typeof eventTypeSchema>;
export type Product = z.infer<typeof productSchema>;
export type Platform = z.infer<typeof platformSchema>;
export type Module = z.infer<typeof moduleSchema>;
export type Failure = z.infer<typeof failureSchema>;
export type AttributeValue = z.infer<typeof attributeValueSchema>;
export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;
