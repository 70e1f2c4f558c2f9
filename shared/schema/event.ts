/**
 * Canonical event v1: the one wire format agents send to `POST /v1/events`, and the shape every
 * compat adapter (Netdata, LibreNMS, Clean Insights) maps its bodies to. Every string is
 * bounded and every number ranged; unknown keys are reported, never stored.
 */
import { z } from 'zod';
import {
  ATTRIBUTE_KEY_MAX,
  ATTRIBUTE_NUMBER_MAX,
  ATTRIBUTE_TEXT_MAX,
  COUNTERS_MAX,
  COUNT_MAX,
  EVENT_ID_MAX,
  FAILURE_LIMITS,
  INSTALL_ID_MAX,
  MAX_EVENTS_PER_REQUEST,
  MODULES_MAX,
} from './limits.ts';
import {
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

const text = (max: number) => z.string().trim().min(1).max(max);
/** A structured string: its shape is checked, and a value that fails it is dropped, not fatal. */
const shaped = (shape: FieldShape, description: string) =>
  shapedString(shape).describe(description);
const count = z.number().int().min(0).max(COUNT_MAX);

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
    code: text(FAILURE_LIMITS.code).describe('Error code, e.g. an installer F-code.').optional(),
    message: text(FAILURE_LIMITS.message)
      .describe('Error message; scrubbed and shortened before storage.')
      .optional(),
    program: text(FAILURE_LIMITS.program).describe('Program that failed.').optional(),
    thread: text(FAILURE_LIMITS.thread).describe('Thread that failed.').optional(),
    function: text(FAILURE_LIMITS.function).describe('Function where it failed.').optional(),
    file: text(FAILURE_LIMITS.file).describe('Source file where it failed.').optional(),
    line: z.number().int().min(0).max(FAILURE_LIMITS.line).describe('Source line.').optional(),
    errno: z
      .number()
      .int()
      .min(-FAILURE_LIMITS.errno)
      .max(FAILURE_LIMITS.errno)
      .describe('OS error number.')
      .optional(),
  })
  .describe('What went wrong, for crash, fatal and install_failed events.');

export const countersSchema = z
  .record(shapedString(COUNTER_KEY_SHAPE, { trim: false }), count)
  .refine(
    (counters) => Object.keys(counters).length <= COUNTERS_MAX,
    `at most ${COUNTERS_MAX} counters`,
  )
  .describe('Facts counted by the install, keyed <group>.<value> (LibreNMS style).');

export const attributeValueSchema = z.union([
  z.string().max(ATTRIBUTE_TEXT_MAX),
  z.number().min(-ATTRIBUTE_NUMBER_MAX).max(ATTRIBUTE_NUMBER_MAX),
  z.boolean(),
]);

export const attributesSchema = z
  .record(z.string().min(1).max(ATTRIBUTE_KEY_MAX), attributeValueSchema)
  .describe('Further facts; only keys the deployment allows are kept.');

export const canonicalEventSchema = z
  .strictObject({
    schema: z.literal(1).describe('Version of this format.'),
    installId: text(INSTALL_ID_MAX).describe(
      'Stable random id the agent keeps; stored only as a keyed hash.',
    ),
    eventId: text(EVENT_ID_MAX)
      .describe('Unique id of this event, so retries are stored once.')
      .optional(),
    type: eventTypeSchema,
    time: z.iso
      .datetime({ offset: true })
      .describe('When it happened; accepted within 72 hours back and 5 minutes ahead.')
      .optional(),
    product: productSchema.optional(),
    platform: platformSchema.optional(),
    modules: z.array(moduleSchema).max(MODULES_MAX).optional(),
    failure: failureSchema.optional(),
    counters: countersSchema.optional(),
    attributes: attributesSchema.optional(),
    proof: z
      .string()
      .max(20)
      .regex(/^[0-9]{1,20}$/)
      .describe(
        'Optional proof of work for the install id: a decimal nonce whose SHA-256 of `homecall-pow/1 <installId> <nonce>` starts with the configured number of zero bits. An install that presents one counts from its first day; never stored (only whether it held). One that fails is ignored, never a reason to reject the event.',
      )
      .optional(),
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
