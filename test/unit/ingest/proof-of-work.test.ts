// The opt-in proof of work of canonical agents (issue 18, item 5): bound to the install id,
// checked with one hash, never stored; an install that presents a valid one counts from its first
// day, one that fails is ignored (the event is kept), and agent.sh finds the same proofs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { deploymentConfig, type DeploymentConfig } from '../../../shared/config.ts';
import { aggregateDay } from '../../../functions/src/aggregate/job.ts';
import { createRateLimiter } from '../../../functions/src/http/rate-limit.ts';
import { createIngestHandler } from '../../../functions/src/ingest/handler.ts';
import { findProof, verifyProof } from '../../../functions/src/ingest/proof-of-work.ts';
import { MemoryStore } from '../../../functions/src/store/memory-store.ts';
import { fakeClock, fakeRequest, FakeResponse, recordingLogger } from '../../support/http-fakes.ts';
import { exactView } from '../../support/exact-view.ts';

const TODAY = '2026-03-10';
const ID = '6f1c2a9e-3b4d-4c5e-8f70-1a2b3c4d5e6f';
const DIFFICULTY = deploymentConfig.screening.proofOfWork.difficulty;

describe('verifyProof', () => {
  const proof = findProof(ID, 12);

  test('a found proof holds for its id and difficulty, not for another id or more bits', () => {
    expect(verifyProof(ID, proof, 12)).toBe(true);
    expect(verifyProof(ID.replace('6f1c', '6f1d'), proof, 12)).toBe(false);
    const bits = [...Array(40).keys()].filter((d) => verifyProof(ID, proof, d + 1)).length;
    // It proves some number of bits >= 12, and not every difficulty.
    expect(bits).toBeGreaterThanOrEqual(12);
    expect(bits).toBeLessThan(40);
  });

  test('difficulty 0 turns proofs off; a nonce that is not a decimal number proves nothing', () => {
    expect(verifyProof(ID, proof, 0)).toBe(false);
    expect(verifyProof(ID, ` ${proof}`, 12)).toBe(false);
    expect(verifyProof(ID, `${proof}x`, 12)).toBe(false);
  });
});

function setup(config: DeploymentConfig = deploymentConfig) {
  const store = new MemoryStore();
  const clock = fakeClock(`${TODAY}T08:00:00Z`);
  const handler = createIngestHandler({
    store,
    secret: () => 'proof-secret',
    clock: clock.now,
    config,
    log: recordingLogger().log,
    rateLimiter: createRateLimiter({ perSecond: 1e6, burst: 1e6 }),
  });
  const send = async (installId: string, proof?: unknown) => {
    const res = new FakeResponse();
    const body = JSON.stringify({ schema: 1, installId, type: 'heartbeat', proof });
    await handler(fakeRequest({ path: '/v1/events', body }), res);
    return res;
  };
  // The exact tallies of the day (not final yet, so not published): what counts on it.
  const today = async () =>
    exactView(
      (
        await aggregateDay(
          { store, clock: clock.now, config, publicationSecret: () => 'proof-noise' },
          TODAY,
        )
      ).exact,
    );
  return { store, send, today };
}

describe('ingest and aggregation', () => {
  const proof = findProof(ID, DIFFICULTY);

  test('an install with a valid proof counts on its first day; the nonce is not stored', async () => {
    const h = setup();
    const res = await h.send(ID, proof);
    expect(res.statusCode).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, ignoredFields: [] });
    const [stored] = [...h.store.events.values()];
    expect(stored?.proof).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(`"${proof}"`);
    const day = await h.today();
    expect(day.activeInstalls.d1).toBe(1);
    expect(day.established.proven).toBe(1);
  });

  test('the same id without a proof waits for its second day', async () => {
    const h = setup();
    await h.send(ID);
    const day = await h.today();
    expect(day.activeInstalls.d1).toBe(0);
    expect(day.established.pending.d1).toBe(1);
  });

  test.each([
    ['a proof for another id', () => findProof(`${ID}x`, DIFFICULTY)],
    ['a malformed proof', () => 'not-a-number'],
  ])('%s is ignored and said so; the event is kept and counts like any other', async (_, make) => {
    const h = setup();
    const res = await h.send(ID, make());
    expect(res.statusCode).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, ignoredFields: ['proof'] });
    expect([...h.store.events.values()][0]?.proof).toBeUndefined();
    expect((await h.today()).activeInstalls.d1).toBe(0);
  });

  test('a proof that is not a string is a broken client: 400, nothing stored', async () => {
    const h = setup();
    const res = await h.send(ID, 42);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ error: { issues: [{ path: ['proof'] }] } });
    expect(h.store.events.size).toBe(0);
  });

  test('with difficulty 0 proofs are off', async () => {
    const off = {
      ...deploymentConfig,
      screening: { ...deploymentConfig.screening, proofOfWork: { difficulty: 0 } },
    };
    const h = setup(off);
    const res = await h.send(ID, proof);
    expect(res.body).toMatchObject({ ignoredFields: ['proof'] });
    expect((await h.today()).activeInstalls.d1).toBe(0);
  });
});

describe('agent.sh', () => {
  const agent = fileURLToPath(new URL('../../../site/public/agent.sh', import.meta.url));

  const proofOf = (dir: string, env: Record<string, string> = {}) =>
    spawnSync('sh', [agent, 'proof'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOMECALL_DIR: dir, ...env },
    });

  test.each(['python3', 'perl'])(
    'finds a proof the server accepts once, keeps it beside the id (with %s)',
    (tool) => {
      const dir = mkdtempSync(join(tmpdir(), 'homecall-pow-'));
      writeFileSync(join(dir, 'install-id'), `${ID.toUpperCase()}\n`);
      const run = proofOf(dir, { HOMECALL_POW_TOOL: tool });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const nonce = run.stdout.trim();
      // Bound to the id as the server pseudonymises it (lower case).
      expect(verifyProof(ID, nonce, DIFFICULTY)).toBe(true);
      expect(readFileSync(join(dir, 'install-proof'), 'utf8')).toBe(
        `${ID.toUpperCase()} ${DIFFICULTY} ${nonce}\n`,
      );
      // Read back, not searched again: a tool that cannot run now changes nothing.
      const again = proofOf(dir, { HOMECALL_POW_TOOL: 'none' });
      expect(again.stdout.trim()).toBe(nonce);
      rmSync(dir, { recursive: true });
    },
  );

  test('a python3 that cannot do it falls through to perl', () => {
    const dir = mkdtempSync(join(tmpdir(), 'homecall-pow-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'python3'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    writeFileSync(join(dir, 'install-id'), `${ID}\n`);
    const run = spawnSync('sh', [agent, 'proof'], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOMECALL_DIR: dir },
    });
    expect(run.status).toBe(0);
    expect(verifyProof(ID, run.stdout.trim(), DIFFICULTY)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  test('without a tool to find one there is no proof, and it says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'homecall-pow-'));
    writeFileSync(join(dir, 'install-id'), `${ID}\n`);
    const run = proofOf(dir, { HOMECALL_POW_TOOL: 'none' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no proof of work');
    rmSync(dir, { recursive: true });
  });
});
