// End to end through the production firebase.json: an event posted to hosting (port 5000) goes
// through the ingest function into Firestore and `npm run aggregate` counts it into its day, which
// is published (noisy, with its (ε, δ)) once final; the stats API, the CSV and the Overview page
// serve what is published.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { deploymentConfig } from '../../shared/config.ts';
import { addDays, dayOf } from '../../shared/dates.ts';
import { installKey } from '../../functions/src/model/buckets.ts';
import { installPseudonym } from '../../functions/src/identity/install-id.ts';
import { prepareEvent } from '../../functions/src/ingest/prepare.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { FirestoreStore } from '../../functions/src/store/firestore-store.ts';
import { ensureLocalSecret } from '../../scripts/lib/local-secret.ts';
import { findProof } from '../../functions/src/ingest/proof-of-work.ts';
import { LOCAL_PROJECT, startStack, type Stack } from '../../scripts/lib/stack.ts';
import { pageDocuments } from '../support/page-documents.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let stack: Stack;

beforeAll(async () => {
  process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
  stack = await startStack({ demo: false, firestorePort: 0, log: () => {} });
});

afterAll(async () => {
  await stack?.stop();
});

function runAggregateCli(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(`${ROOT}node_modules/.bin/node`, ['scripts/aggregate.ts', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        FIRESTORE_EMULATOR_HOST: stack.firestoreHost,
        GCLOUD_PROJECT: LOCAL_PROJECT,
        CI: 'true',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('local stack through hosting', () => {
  const today = dayOf(Date.now());

  /** The published day `day` through the stats API, if any. */
  const publishedDay = async (
    day: string,
  ): Promise<{ day: string; activeInstalls: { d1: number }; privacy?: unknown } | undefined> => {
    const response = await fetch(`${stack.hostingUrl}/api/v1/days?from=${day}&to=${day}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      days: { day: string; activeInstalls: { d1: number }; privacy?: unknown }[];
    };
    return body.days.find((d) => d.day === day);
  };

  test('an event posted to /v1/events is counted into its day, not published before it is final', async () => {
    const post = await fetch(`${stack.hostingUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A new install counts on its first day only with a proof of work (else from its second).
      // No version: on this empty stack no established install runs one yet, and an install
      // claiming a version nobody established runs waits until one does; naming none claims none.
      body: JSON.stringify({
        schema: 1,
        installId: 'e2e-install-1',
        type: 'heartbeat',
        platform: { os: 'debian', kernel: 'Linux', arch: 'x86_64' },
        proof: findProof('e2e-install-1', deploymentConfig.screening.proofOfWork.difficulty),
      }),
    });
    expect(post.status).toBe(202);
    expect(await post.json()).toEqual({ accepted: 1, duplicates: 0, ignoredFields: [] });

    const aggregate = await runAggregateCli(['--from', today, '--to', today]);
    // One shard, then the merge of the day.
    expect(aggregate.stderr).toContain(`aggregate: 2/2 ${today}`);
    expect(aggregate.code).toBe(0);
    expect(aggregate.stdout).toContain(`${today}  provisional: not published until final`);
    // Counted: the install is in today's activity page (its key, never its id)...
    const key = installKey(installPseudonym(ensureLocalSecret(), 'e2e-install-1'));
    const firestore = createFirestore({ projectId: LOCAL_PROJECT });
    const pages = await pageDocuments(firestore);
    await firestore.terminate();
    expect(
      pages.some(([, p]) => p.day === today && String(p.keys).includes(key)),
      'the install is in its day',
    ).toBe(true);
    // ...but late events may still come for today: nothing is published for it yet.
    expect(await publishedDay(today)).toBeUndefined();
  });

  test('a final day is published once, noisy, with its (ε, δ) in the API and the CSV', async () => {
    // Events of a day past the late-arrival window and of the day before, stored as ingest stores
    // them (ingest itself refuses times that old): the installs count on their second day.
    const day = addDays(today, -10);
    const before = addDays(day, -1);
    const secret = ensureLocalSecret();
    const events = [before, day].flatMap((d) =>
      Array.from({ length: 40 }, (_, i) => {
        const prepared = prepareEvent(
          {
            installId: `e2e-final-${i}`,
            eventId: `e2e-final-${d}-${i}`,
            type: 'heartbeat',
            product: { version: '2.0.0' },
          },
          [],
          {
            secret,
            now: Date.parse(`${d}T10:00:00Z`) + i,
            config: deploymentConfig,
            source: 'v1',
          },
        );
        if (!prepared.ok) throw new Error(prepared.issue.message);
        return prepared.event;
      }),
    );
    const firestore = createFirestore({ projectId: LOCAL_PROJECT });
    await new FirestoreStore(firestore).saveEvents(events);
    await firestore.terminate();

    const first = await runAggregateCli(['--from', before, '--to', day]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`${before}  published  about d1=`);
    expect(first.stdout).toContain(`${day}  published  about d1=`);
    expect(first.stdout).toContain(`ε=${deploymentConfig.privacy.epsilon}`);
    const published = await publishedDay(day);
    expect(published?.privacy).toMatchObject({
      mechanism: 'discrete-gaussian-zcdp',
      epsilon: deploymentConfig.privacy.epsilon,
      delta: deploymentConfig.privacy.delta,
    });
    // 40 installs established on their second day, and noise of σ ≈ 4.5 on d1: about 40.
    expect(Math.abs((published?.activeInstalls.d1 ?? 0) - 40)).toBeLessThan(27);
    const csv = await (
      await fetch(`${stack.hostingUrl}/api/v1/days.csv?from=${day}&to=${day}`)
    ).text();
    const [header = '', row = ''] = csv.split('\r\n');
    const cell = (name: string) => row.split(',')[header.split(',').indexOf(name)];
    expect(cell('privacy_epsilon')).toBe(String(deploymentConfig.privacy.epsilon));
    expect(cell('privacy_delta')).toBe(String(deploymentConfig.privacy.delta));

    // A second run recomputes the day but never publishes it again.
    const again = await runAggregateCli(['--from', day, '--to', day]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${day}  kept (published before, never replaced)`);
    expect(await publishedDay(day)).toEqual(published);
  });

  test('a retried event is stored once and a bad one gets the error shape', async () => {
    const event = { schema: 1, installId: 'e2e-install-2', eventId: 'retry-1', type: 'start' };
    const send = () =>
      fetch(`${stack.hostingUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
    expect((await send()).status).toBe(202);
    expect(await (await send()).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    const bad = await fetch(`${stack.hostingUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schema: 1, installId: 'x', type: 'explode' }),
    });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { code: string; issues: { path: string[] }[] } };
    expect(error.error.code).toBe('invalid_body');
    expect(error.error.issues[0]?.path).toEqual(['type']);
  });

  test('the Overview page is served by hosting with a chart and a table', async () => {
    const response = await fetch(`${stack.hostingUrl}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<canvas');
    expect(html).toContain('<table');
  });

  test('the aggregate CLI rejects a malformed day with a clear message', async () => {
    const result = await runAggregateCli(['--from', '2026-13-01']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from must be a day written YYYY-MM-DD');
  });
});

describe('compat clients through hosting, unchanged', () => {
  const fixture = (name: string) =>
    readFileSync(new URL(`../fixtures/compat/${name}`, import.meta.url), 'utf8');
  const post = (path: string, body: string, type: string) =>
    fetch(`${stack.hostingUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });

  test('Netdata, LibreNMS and Clean Insights bodies are stored without addresses or raw ids', async () => {
    const netdata = await post(
      '/compat/netdata',
      fixture('netdata-agent-start.json'),
      'application/json',
    );
    expect(netdata.status).toBe(200);
    const librenms = await post(
      '/compat/librenms/log.php',
      fixture('librenms-daily.form').trim(),
      'application/x-www-form-urlencoded',
    );
    expect(librenms.status).toBe(200);
    const openwisp = await post(
      '/compat/cleaninsights.php',
      fixture('cleaninsights-heartbeat.json'),
      'application/json',
    );
    expect(openwisp.status).toBe(204);
    expect(await openwisp.text()).toBe('');

    const firestore = createFirestore({ projectId: LOCAL_PROJECT });
    const events = await firestore.collection('events').get();
    const stored = JSON.stringify(events.docs.map((d) => d.data()));
    await firestore.terminate();
    const sources = events.docs.map((d) => d.get('source') as string);
    expect(sources).toEqual(expect.arrayContaining(['netdata', 'librenms', 'cleaninsights']));
    expect(stored).not.toContain('4f8a2c1e-9b7d-11ee-8c4a-0242ac120002'); // Netdata machine GUID
    expect(stored).not.toContain('9b2f6c1e-3d4a-4f5b-8c7d-1e2f3a4b5c6d'); // LibreNMS uuid
    expect(stored).not.toContain('127.0.0.1');
    expect(stored).not.toContain('backend.netdata.io');
  });

  test('LibreNMS "clear remote stats" erases that install', async () => {
    const clear = await post(
      '/compat/librenms/clear.php',
      fixture('librenms-clear.form').trim(),
      'application/x-www-form-urlencoded',
    );
    expect(clear.status).toBe(200);
    expect(await clear.json()).toEqual({ erased: true });
    const firestore = createFirestore({ projectId: LOCAL_PROJECT });
    const left = await firestore.collection('events').where('source', '==', 'librenms').get();
    await firestore.terminate();
    expect(left.size).toBe(0);
    // An install that never submitted sends an empty clear: 200, as the original collector.
    const empty = await post('/compat/librenms/clear.php', '', 'application/x-www-form-urlencoded');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ erased: true });
  });

  test('Netdata bodies that are not JSON reach the function through the runtime and are stored', async () => {
    const firestore = createFirestore({ projectId: LOCAL_PROJECT });
    const count = async () =>
      (await firestore.collection('events').where('source', '==', 'netdata').get()).size;
    const before = await count();
    for (const name of [
      'netdata-agent-fatal-early.malformed.txt',
      'netdata-agent-start-no-system-info.malformed.txt',
      'netdata-installer-checksum-failed.malformed.txt',
    ]) {
      const res = await post('/compat/netdata', fixture(name), 'application/json');
      expect(res.status, name).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 1 });
    }
    expect(await count()).toBe(before + 3);
    await firestore.terminate();
    // Other JSON the runtime cannot parse gets homecall's error shape, not Express's HTML page.
    const broken = await post('/v1/events', '{"schema": 1, "installId": ', 'application/json');
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toContain('application/json');
    expect(await broken.json()).toMatchObject({ error: { code: 'bad_request' } });
  });
});

describe('hosting headers from firebase.json', () => {
  test('pages carry the security headers and short caching; hashed assets are immutable', async () => {
    const page = await fetch(`${stack.hostingUrl}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.headers.get('strict-transport-security')).toContain('max-age=');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('permissions-policy')).toContain('geolocation=()');
    expect(page.headers.get('cache-control')).toBe('public, max-age=300');
    const html = await page.text();
    // The CSP forbids inline scripts: every script must be a file.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = /src="(\/_astro\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const assetResponse = await fetch(`${stack.hostingUrl}${asset ?? ''}`);
    expect(assetResponse.status).toBe(200);
    expect(assetResponse.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  test('API answers keep their own CDN caching and also get the security headers', async () => {
    const api = await fetch(`${stack.hostingUrl}/api/v1/days`);
    expect(api.headers.get('cache-control')).toBe('public, max-age=300, s-maxage=3600');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
