/**
 * A held-out LibreNMS fleet: eight installs sending LibreNMS's daily body (`log.php`,
 * form-encoded `data=<json>`) every day for three weeks, mapped by the real LibreNMS adapter and
 * stored through the real ingest pipeline. The Counters browser test publishes it and checks the
 * page against the numbers below.
 */
import { addDays, dayRange, startOfDay, type Day } from '../../shared/dates.ts';
import { deploymentConfig } from '../../shared/config.ts';
import { mapLibreNmsLog } from '../../functions/src/compat/librenms.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import type { StoredEvent } from '../../functions/src/store/types.ts';

/** Installs that report. */
const INSTALLS = 8;
/** Days each install reports, ending today. */
export const LIBRENMS_REPORT_DAYS = 21;

/**
 * Install n (1..8) monitors 10·n Linux devices and n IOS devices; installs 1–3 also 4 Junos
 * devices each and installs 4–5 7 VRP devices each (neither backed by k = 5 installs alone:
 * together "other", 5 installs, 26 devices); installs 1–6 have 4 established BGP peers (a group
 * the configuration does not describe, titled by its key); installs 1–3 count 2 IPsec tunnels
 * (3 installs: never published).
 */
function libreNmsBody(n: number): URLSearchParams {
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
  if (n <= 6) data.bgppeer_state = [{ total: 4, bgpPeerState: 'established' }];
  if (n <= 3) data.ipsec = [{ total: 2 }];
  const uuid = `6b0f4a3e-1c2d-4e5f-8a9b-00000000000${n}`;
  return new URLSearchParams({ data: JSON.stringify({ uuid, data }) });
}

/** Every install's daily report of the last three weeks, through the real adapter and pipeline. */
export function libreNmsFleet(secret: string, today: Day): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const day of dayRange(addDays(today, -(LIBRENMS_REPORT_DAYS - 1)), today)) {
    for (let n = 1; n <= INSTALLS; n += 1) {
      const mapped = mapLibreNmsLog(libreNmsBody(n));
      if (!mapped.ok) throw new Error(mapped.message);
      for (const incoming of mapped.events) {
        const prepared = prepareEvent(incoming, [], {
          secret,
          now: startOfDay(day) + 6 * 3_600_000 + n * 60_000,
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
