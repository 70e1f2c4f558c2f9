// Clients without an install id resend the byte-identical body after a 5xx, a 429 or a timeout
// (OpenWISP up to 10 times; Netdata's installer with wget after curl timed out): a resend on the
// same day is the same report, stored once and counted once. Bodies that differ stay separate.
import { describe, expect, test } from 'vitest';
import { deploymentConfig } from '../../../shared/config.ts';
import { aggregateDay } from '../../../functions/src/aggregate/job.ts';
import { compatText as fixture } from '../../support/fixtures.ts';
import { ingestHarness } from '../../support/ingest-harness.ts';

const HOUR = 3_600_000;
const TODAY = '2026-03-10';

function setup() {
  const { store, clock, post } = ingestHarness({
    secret: 'resend-secret',
    now: `${TODAY}T08:00:00Z`,
  });
  // Installs the day saw: those counted and those held out (a report without identity on its
  // cohort's first day is held out until the cohort reports again), in the exact tallies the
  // publication starts from, so a resend counted twice would show in either.
  const activeOn = async (day: string) => {
    const { exact } = await aggregateDay(
      { store, clock: clock.now, config: deploymentConfig, publicationSecret: () => 'noise' },
      day,
    );
    let held = 0;
    for (const h of exact.screening.held.values()) held += h.installs.n;
    return exact.d1.n + held;
  };
  return { store, clock, post, activeOn };
}

describe('Clean Insights (OpenWISP)', () => {
  const body = fixture('cleaninsights-heartbeat.json');

  test('ten resends of the same body on one day are one report and one install', async () => {
    const h = setup();
    for (let i = 0; i < 10; i++) {
      const res = await h.post('/compat/cleaninsights.php', body);
      expect(res.statusCode).toBe(204);
      h.clock.advance(8_000 * 2 ** Math.min(i, 5));
    }
    expect(h.store.events.size).toBe(1);
    expect(await h.activeOn(TODAY)).toBe(1);
  });

  test('a resend with other whitespace or key order is the same report', async () => {
    const h = setup();
    await h.post('/compat/cleaninsights.php', body);
    const reordered = JSON.stringify(JSON.parse(body), null, 0);
    await h.post('/compat/cleaninsights.php', reordered);
    expect(h.store.events.size).toBe(1);
  });

  test('another body (another send time) the same day, and the same body the next day, count', async () => {
    const h = setup();
    await h.post('/compat/cleaninsights.php', body);
    await h.post('/compat/cleaninsights.php', body.replaceAll('1717200000', '1717200042'));
    expect(h.store.events.size).toBe(2);
    h.clock.advance(24 * HOUR);
    await h.post('/compat/cleaninsights.php', body);
    expect(h.store.events.size).toBe(3);
    expect(await h.activeOn(TODAY)).toBe(2);
  });

  test('a body with two categories resent: each category is stored once', async () => {
    const h = setup();
    const install = JSON.parse(fixture('cleaninsights-install.json')) as { events: unknown[] };
    const heartbeat = JSON.parse(body) as { idsite: number; events: unknown[] };
    const mixed = JSON.stringify({
      ...heartbeat,
      events: [...heartbeat.events, ...install.events],
    });
    await h.post('/compat/cleaninsights.php', mixed);
    await h.post('/compat/cleaninsights.php', mixed);
    expect([...h.store.events.values()].map((e) => e.type).sort()).toEqual([
      'heartbeat',
      'install',
    ]);
  });
});

describe('Netdata bodies without a machine GUID', () => {
  test('the installer’s wget resend of a curl-timed-out body is stored once', async () => {
    const h = setup();
    const body = fixture('netdata-agent-zero-guid.json');
    const first = await h.post('/compat/netdata', body);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const resend = await h.post('/compat/netdata', body);
    expect(resend.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(h.store.events.size).toBe(1);
    expect(await h.activeOn(TODAY)).toBe(1);
  });

  test('a repaired malformed body without an id is stored once too', async () => {
    const h = setup();
    const body = fixture('netdata-agent-fatal-early-no-id.malformed.txt');
    expect((await h.post('/compat/netdata', body)).statusCode).toBe(200);
    expect((await h.post('/compat/netdata', body)).body).toMatchObject({ duplicates: 1 });
    expect([...h.store.events.values()]).toMatchObject([{ install: null, type: 'fatal' }]);
  });

  test('two different bodies without an id are two reports', async () => {
    const h = setup();
    const body = fixture('netdata-agent-zero-guid.json');
    await h.post('/compat/netdata', body);
    await h.post('/compat/netdata', body.replace('"system_cpu_freq": "2294684000"', '"x": 1'));
    expect(h.store.events.size).toBe(2);
  });
});
