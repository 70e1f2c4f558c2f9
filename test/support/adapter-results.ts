/** What every compat adapter's result must be, whichever client it maps. */
import { expect } from 'vitest';
import type { AdapterResult, IncomingEvent } from '../../functions/src/model/incoming.ts';
import { canonicalEventSchema } from '../../shared/schema/event.ts';

/**
 * Every mapped event, given a dummy install id, is a valid canonical event, unchanged by parsing;
 * the fields beside the canonical ones (the client's action name, LibreNMS devices, the raw ids)
 * keep their bounds. `each` adds what one adapter promises of each of its events.
 */
export function expectCanonical(
  result: AdapterResult,
  each?: (event: IncomingEvent) => void,
): void {
  if (!result.ok) return;
  for (const event of result.events) {
    const { action, devices } = event;
    const candidate: Record<string, unknown> = { ...event, schema: 1, installId: 'dummy-install' };
    delete candidate.action;
    delete candidate.devices;
    delete candidate.identifiers;
    const parsed = canonicalEventSchema.safeParse(candidate);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toEqual(candidate);
    if (action !== undefined) expect(action.length).toBeGreaterThan(0);
    if (action !== undefined) expect(action.length).toBeLessThanOrEqual(64);
    if (event.installId !== null) {
      expect(event.installId.length).toBeGreaterThan(0);
      expect(event.installId.length).toBeLessThanOrEqual(128);
    }
    for (const device of devices ?? []) {
      expect(Number.isInteger(device.count) && device.count >= 0 && device.count <= 1e12).toBe(
        true,
      );
      expect(device.os?.length ?? 1).toBeLessThanOrEqual(64);
      expect(device.sysDescr?.length ?? 1).toBeLessThanOrEqual(1024);
      expect(device.sysObjectID?.length ?? 1).toBeLessThanOrEqual(128);
    }
    expect(devices?.length ?? 0).toBeLessThanOrEqual(500);
    each?.(event);
  }
}
