/**
 * A held-out LibreNMS fleet: 400 installs of eight kinds sending LibreNMS's daily body (`log.php`,
 * form-encoded `data=<json>`) every day for eight days, mapped by the real LibreNMS adapter and
 * stored through the real ingest pipeline. The Counters browser test publishes it and checks the
 * page against the published (noisy) numbers and the exact ones below. Hundreds of installs:
 * a counter group appears only when its noisy count of installs reaches its threshold (37 at the
 * default ε, about 200 before the groups' own bound), so the groups meant to show are reported by
 * at least 350 installs and the one meant to stay hidden by 40.
 */
import { addDays, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { mapLibreNmsLog } from '../../functions/src/compat/librenms.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import type { StoredEvent } from '../../functions/src/model/stored.ts';

/** Installs that report. */
export const LIBRENMS_INSTALLS = 400;
/** Days each install reports, ending today. */
export const LIBRENMS_REPORT_DAYS = 8;

/**
 * Install i is of kind n = i mod 8 + 1: it monitors 10·n Linux devices and n IOS devices (every
 * install: 400 report each); kinds 1–3 also 4 Junos devices (150 installs) and kinds 4–5 7 VRP
 * devices (100 installs); kinds 1–7 have 4 established BGP peers (350 installs; a group the
 * configuration does not describe, titled by its key); installs 0–9 count 2 IPsec tunnels (10
 * installs: far below the threshold, never published).
 */
export function libreNmsBody(i: number): URLSearchParams {
  const n = (i % 8) + 1;
  const os: Record<string, unknown>[] = [
    { total: 10 * n, os: 'linux' },
    { total: n, os: 'ios' },
  ];
  if (n <= 3) os.push({ total: 4, os: 'junos' });
  if (n === 4 || n === 5) os.push({ total: 7, os: 'vrp' });
  const data: Record<string, unknown> = {
    os,
    librenms_release: [{ total: 1, release: '24.10.0' }],
    php_version: [{ total: 1, version: '8.2.7' }],
  };
  if (n <= 7) data.bgppeer_state = [{ total: 4, bgpPeerState: 'established' }];
  if (i < 10) data.ipsec = [{ total: 2 }];
  const uuid = `6b0f4a3e-1c2d-4e5f-8a9b-${String(i).padStart(12, '0')}`;
  return new URLSearchParams({ data: JSON.stringify({ uuid, data }) });
}

/** Every install's daily report of the last eight days, through the real adapter and pipeline. */
export function libreNmsFleet(secret: string, today: Day): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const day of dayRange(addDays(today, -(LIBRENMS_REPORT_DAYS - 1)), today)) {
    for (let i = 0; i < LIBRENMS_INSTALLS; i += 1) {
      const mapped = mapLibreNmsLog(libreNmsBody(i));
      if (!mapped.ok) throw new Error(mapped.message);
      for (const incoming of mapped.events) {
        const prepared = prepareEvent(incoming, [], {
          secret,
          now: startOfDay(day) + 6 * 3_600_000 + i * 1_000,
          config: deploymentConfig,
          source: mapped.source,
        });
        if (!prepared.ok) throw new Error(prepared.issue.message);
        events.push(prepared.event);
      }
    }
  }
  return events;
}
