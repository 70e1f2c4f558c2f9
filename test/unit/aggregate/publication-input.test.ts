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

describe('every part of the merged day, each with its own installs', () => {
  /** A tally of the named installs. */
  const of = (...members: string[]) => {
    const t = tally();
    for (const name of members) addId(t, installId(name));
    return t;
  };
  const exactOf = (key: string, members: string[], sums?: Record<string, number>) => ({
    key,
    installs: members.length,
    digest: digestOfInstalls(members),
    ...(sums ? { sums } : {}),
  });
  const countOfNames = (members: string[]) => ({
    count: members.length,
    digest: digestOfInstalls(members),
  });

  test('each count, bucket and sum lands in its own place of the publication input', () => {
    const merged = emptyExact('2026-05-03');
    merged.d1 = of('a');
    merged.d7 = of('a', 'b');
    merged.d28 = of('a', 'b', 'c');
    merged.newInstalls = of('b');
    merged.events.set('heartbeat', 9);
    merged.events.set('opt_out', 2);
    merged.breakdowns.set('os', new Map([['debian', of('a', 'c')]]));
    merged.breakdowns.set('arch', new Map([['x86_64', of('b')]]));
    merged.upgrades.set('1.0\u00002.0', of('c'));
    merged.versions.set('2.0', {
      active: of('a', 'b'),
      crashed: of('b'),
      crashEvents: 4,
      fatalEvents: 1,
    });
    merged.signatures.set('E_SEGV', { installs: of('b'), events: 3 });
    merged.installFailures.set('E_NET', of('d'));
    const group = entry(merged.counters, 'db', counterTallies);
    group.installs = of('a', 'c');
    group.values.set('mysql', { installs: of('c'), sum: 12 });
    merged.screening.newlyEstablished = of('e');
    merged.screening.pendingD1 = of('f');
    merged.screening.pendingD28 = of('f', 'g');
    merged.screening.proven = of('h');
    merged.screening.newProfiles.set('version=2.0', of('b'));
    merged.screening.establishedProfiles.set('version=1.0', of('e'));
    merged.screening.held.set('quarantined', { installs: of('q'), reports: 5 });
    merged.screening.failures.set('E_DISK', of('g'));

    expect(fromTallies(merged)).toStrictEqual({
      day: '2026-05-03',
      activeInstalls: {
        d1: countOfNames(['a']),
        d7: countOfNames(['a', 'b']),
        d28: countOfNames(['a', 'b', 'c']),
      },
      newInstalls: countOfNames(['b']),
      events: [
        { key: 'heartbeat', installs: 0, digest: '0000000000000000', sums: { events: 9 } },
        { key: 'opt_out', installs: 0, digest: '0000000000000000', sums: { events: 2 } },
      ],
      breakdowns: { os: [exactOf('debian', ['a', 'c'])], arch: [exactOf('x86_64', ['b'])] },
      upgrades: [exactOf('1.0\u00002.0', ['c'])],
      reliability: {
        versions: [
          exactOf('2.0', ['a', 'b'], { crashedInstalls: 1, crashEvents: 4, fatalEvents: 1 }),
        ],
        failures: [exactOf('E_SEGV', ['b'], { events: 3 })],
        installFailures: [exactOf('E_NET', ['d'])],
      },
      counters: {
        groups: [exactOf('db', ['a', 'c'])],
        values: { db: [exactOf('mysql', ['c'], { sum: 12 })] },
      },
      screening: {
        newlyEstablished: countOfNames(['e']),
        pendingD1: countOfNames(['f']),
        pendingD28: countOfNames(['f', 'g']),
        proven: countOfNames(['h']),
        newProfiles: [exactOf('version=2.0', ['b'])],
        establishedProfiles: [exactOf('version=1.0', ['e'])],
        held: [exactOf('quarantined', ['q'], { reports: 5 })],
        failures: [exactOf('E_DISK', ['g'])],
      },
    });
  });
});
