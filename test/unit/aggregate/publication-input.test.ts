// The merge step's tallies reach the publication unchanged: counts, sums and the same digests.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { addId, tally } from '../../../functions/src/aggregate/digest.ts';
import {
  counterTallies,
  emptyExact,
  entry,
  versionTallies,
} from '../../../functions/src/aggregate/exact.ts';
import { fromTallies } from '../../../functions/src/aggregate/publication-input.ts';
import { publishDay } from '../../../functions/src/privacy/publication/publish.ts';
import { digestOfInstalls, installId, names } from '../../support/publication.ts';

describe('merged tallies → publication input', () => {
  test('every count, sum and digest arrives as it was merged, and the day publishes', () => {
    const merged = emptyExact('2026-05-02');
    const fleet = names('m', 120);
    for (const name of fleet) {
      const id = installId(name);
      for (const t of [merged.d1, merged.d7, merged.d28]) addId(t, id);
      addId(
        entry(
          entry(merged.breakdowns, 'os', () => new Map()),
          'debian',
          tally,
        ),
        id,
      );
      const version = entry(merged.versions, '1.6.0', versionTallies);
      addId(version.active, id);
    }
    addId(merged.newInstalls, installId('m-0'));
    merged.events.set('heartbeat', 120);
    const version = entry(merged.versions, '1.6.0', versionTallies);
    version.crashEvents = 3;
    addId(version.crashed, installId('m-1'));
    const os = entry(merged.counters, 'os', counterTallies);
    addId(os.installs, installId('m-2'));
    const linux = entry(os.values, 'linux', () => ({ installs: tally(), sum: 0 }));
    addId(linux.installs, installId('m-2'));
    linux.sum = 40;

    const exact = fromTallies(merged);
    expect(exact.activeInstalls.d28).toEqual({ count: 120, digest: digestOfInstalls(fleet) });
    expect(exact.newInstalls).toEqual({ count: 1, digest: digestOfInstalls(['m-0']) });
    expect(exact.breakdowns.os).toEqual([
      { key: 'debian', installs: 120, digest: digestOfInstalls(fleet) },
    ]);
    expect(exact.reliability.versions[0]).toEqual({
      key: '1.6.0',
      installs: 120,
      digest: digestOfInstalls(fleet),
      sums: { crashedInstalls: 1, crashEvents: 3, fatalEvents: 0 },
    });
    expect(exact.events).toEqual([
      { key: 'heartbeat', installs: 0, digest: '0000000000000000', sums: { events: 120 } },
    ]);
    expect(exact.counters.values.os).toEqual([
      { key: 'linux', installs: 1, digest: digestOfInstalls(['m-2']), sums: { sum: 40 } },
    ]);

    const published = publishDay(exact, deploymentConfig, 'from-tallies');
    expect(published.breakdowns.os?.find((b) => b.value === 'debian')?.installs).toBeGreaterThan(
      90,
    );
    expect(published.reliability.versions.reduce((s, r) => s + r.activeInstalls, 0)).toBe(
      published.activeInstalls.d1,
    );
  });
});
