// The reference agent (site/public/agent.sh) against the local stack through hosting, run under
// dash and bash: what it sends is stored (pseudonymised), its install id is private and reused,
// opting out sends nothing, a dead server never blocks or fails the caller, erase removes
// everything. Each run gets a fresh HOME and HOMECALL_DIR and a minimal environment.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { machine, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { pseudonymise } from '../../functions/src/identity/pseudonym.ts';
import { createFirestore } from '../../functions/src/store/firestore-client.ts';
import { ensureLocalSecret } from '../../scripts/lib/local-secret.ts';
import { LOCAL_PROJECT, startStack, type Stack } from '../../scripts/lib/stack.ts';

const SCRIPT = new URL('../../site/public/agent.sh', import.meta.url).pathname;
const UNREACHABLE = 'http://127.0.0.1:9'; // discard port: nothing listens, connect is refused

let stack: Stack;
let firestore: Firestore;
let secret: string;
let noCurlPath: string;
const dirs: string[] = [];

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** The os-release ID the agent should report. */
function osReleaseId(): string | undefined {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    if (!existsSync(file)) continue;
    const match = /^ID=["']?([^"'\n]*)/m.exec(readFileSync(file, 'utf8'));
    return match?.[1];
  }
  return undefined;
}

/** A directory with every command of PATH except curl, so the agent must use wget. */
function pathWithoutCurl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'homecall-nocurl-'));
  dirs.push(dir);
  const seen = new Set<string>(['curl']);
  for (const entry of (process.env.PATH ?? '').split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(entry);
    } catch {
      continue;
    }
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      symlinkSync(join(entry, name), join(dir, name));
    }
  }
  return dir;
}

interface Home {
  home: string;
  state: string;
  idFile: string;
}

function newHome(): Home {
  const home = mkdtempSync(join(tmpdir(), 'homecall-agent-'));
  dirs.push(home);
  const state = join(home, 'state', 'homecall');
  return { home, state, idFile: join(state, 'install-id') };
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the agent under `shell` with only the variables given (plus PATH, HOME, HOMECALL_DIR). */
function runAgent(
  shell: string,
  where: Home,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, [SCRIPT, ...args], {
      cwd: where.home,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: where.home,
        HOMECALL_DIR: where.state,
        HOMECALL_URL: stack.hostingUrl,
        HOMECALL_VERBOSE: '1',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A server that accepts connections and never answers; it counts them. */
async function silentServer() {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.resume(); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => sockets.size,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The stored events of one product version (the Node emulator has no nested-field queries). */
async function eventsOf(version: string) {
  const snapshot = await firestore.collection('events').get();
  return snapshot.docs
    .map((doc) => doc.data())
    .filter((event) => (event.product as { version?: string } | undefined)?.version === version);
}

async function eventCount(): Promise<number> {
  return (await firestore.collection('events').get()).size;
}

let versionCounter = 0;
function uniqueVersion(shell: string): string {
  versionCounter += 1;
  return `9.${versionCounter}.0-agent-${shell}-${Date.now()}`;
}

beforeAll(async () => {
  process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
  stack = await startStack({ demo: false, firestorePort: 0, log: () => {} });
  process.env.METADATA_SERVER_DETECTION ??= 'none'; // an emulator: no Google metadata server
  firestore = createFirestore({ projectId: LOCAL_PROJECT });
  secret = ensureLocalSecret();
  noCurlPath = pathWithoutCurl();
});

afterAll(async () => {
  await firestore?.terminate();
  await stack?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('agent.sh as published', () => {
  test('hosting serves it at /agent.sh, byte for byte', async () => {
    const response = await fetch(`${stack.hostingUrl}/agent.sh`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFileSync(SCRIPT, 'utf8'));
  });

  test('`curl …/agent.sh | sh -s -- send install` works as a one-liner', async () => {
    const where = newHome();
    const version = uniqueVersion('pipe');
    const result = spawnSync(
      'sh',
      ['-c', `curl -fsS "$HOMECALL_URL/agent.sh" | sh -s -- send install`],
      {
        env: {
          PATH: process.env.PATH,
          HOME: where.home,
          HOMECALL_DIR: where.state,
          HOMECALL_URL: stack.hostingUrl,
          HOMECALL_PRODUCT_VERSION: version,
          HOMECALL_VERBOSE: '1',
        },
        encoding: 'utf8',
      },
    );
    expect(result.stderr).toContain('HTTP 202');
    expect(result.status).toBe(0);
    expect((await eventsOf(version)).map((e) => e.type as string)).toEqual(['install']);
  });

  test.skipIf(!onPath('shellcheck'))('passes shellcheck as POSIX sh and as dash', () => {
    for (const dialect of ['sh', 'dash']) {
      const result = spawnSync('shellcheck', ['-s', dialect, SCRIPT], { encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });
});

describe.each(['dash', 'bash'])('agent.sh under %s', (shell) => {
  const available = onPath(shell);

  afterEach(() => {
    // Nothing of a run may stay behind but the id file.
    for (const dir of dirs.filter((d) => d.includes('homecall-agent-'))) {
      const state = join(dir, 'state', 'homecall');
      if (existsSync(state))
        expect(readdirSync(state).filter((n) => n.startsWith('.'))).toEqual([]);
    }
  });

  test.skipIf(!available)(
    'send stores a pseudonymised event with the platform, in a private id file',
    async () => {
      const where = newHome();
      const version = uniqueVersion(shell);
      const result = await runAgent(shell, where, ['send', 'start'], {
        HOMECALL_PRODUCT_VERSION: version,
        HOMECALL_PRODUCT_CHANNEL: 'stable',
        HOMECALL_INSTALL_METHOD: 'script',
      });
      expect(result.stderr).toContain('HTTP 202');
      expect(result.stderr).toContain('"accepted":1');
      expect(result.code).toBe(0);

      expect(statSync(where.idFile).mode & 0o777).toBe(0o600);
      expect(statSync(where.state).mode & 0o777).toBe(0o700);
      const installId = readFileSync(where.idFile, 'utf8').trim();
      expect(installId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );

      const events = await eventsOf(version);
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toMatchObject({
        type: 'start',
        source: 'v1',
        install: pseudonymise(secret, installId),
        product: { version, channel: 'stable', installMethod: 'script' },
        platform: { kernel: 'Linux', arch: machine() },
      });
      const os = osReleaseId();
      if (os) expect(event?.platform?.os).toBe(os);
      expect(event?.platform?.kernelVersion).toBe(
        spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(),
      );
      expect(event?.platform?.container).toEqual(expect.any(String));
      expect(JSON.stringify(event)).not.toContain(installId);
    },
  );

  test.skipIf(!available)('a second send reuses the install id', async () => {
    const where = newHome();
    const version = uniqueVersion(shell);
    const env = { HOMECALL_PRODUCT_VERSION: version };
    expect((await runAgent(shell, where, ['send'], env)).code).toBe(0);
    const first = readFileSync(where.idFile, 'utf8');
    const again = await runAgent(shell, where, ['send', 'heartbeat'], env);
    expect(again.stderr).toContain('HTTP 202');
    expect(readFileSync(where.idFile, 'utf8')).toBe(first);
    const printed = await runAgent(shell, where, ['id']);
    expect(printed.stdout.trim()).toBe(first.trim());

    const events = await eventsOf(version);
    expect(events.map((e) => e.type as string)).toEqual(['heartbeat', 'heartbeat']);
    expect(new Set(events.map((e) => e.install as string))).toEqual(
      new Set([pseudonymise(secret, first.trim())]),
    );
  });

  test.skipIf(!available)('every value is JSON-escaped and nothing is evaluated', async () => {
    const where = newHome();
    const version = uniqueVersion(shell);
    const hostile = `"rc" \\ x\ty\nz $(touch pwned) \`touch pwned2\``;
    const result = await runAgent(shell, where, ['send', 'crash'], {
      HOMECALL_PRODUCT_VERSION: version,
      // A channel is a name: the server drops this one and says so, the event is still stored.
      HOMECALL_PRODUCT_CHANNEL: hostile,
      HOMECALL_FAILURE_CODE: 'E"1\\',
      HOMECALL_FAILURE_MESSAGE: `exploded ${hostile}\r\nat line 3\u0001\u001b[31m`,
    });
    expect(result.stderr).toContain('HTTP 202');
    expect(result.stderr).toContain('"ignoredFields":["product.channel"]');
    expect(readdirSync(where.home).filter((n) => n.startsWith('pwned'))).toEqual([]);
    const [event] = await eventsOf(version);
    expect(event?.type).toBe('crash');
    expect(event?.product).toEqual({ version });
    expect(event?.failure).toMatchObject({ code: 'E"1\\' });
    expect(event?.failure?.message).toContain(
      'exploded "rc" \\ x y z $(touch pwned) `touch pwned2`',
    );
  });

  test.skipIf(!available)('falls back to wget when curl is absent', async () => {
    const where = newHome();
    const version = uniqueVersion(shell);
    const result = await runAgent(shell, where, ['send', 'upgrade'], {
      PATH: noCurlPath,
      HOMECALL_PRODUCT_VERSION: version,
    });
    expect(result.stderr).toContain('HTTP 202');
    expect(result.code).toBe(0);
    expect((await eventsOf(version)).map((e) => e.type as string)).toEqual(['upgrade']);
  });

  const optOuts: [string, (where: Home) => Record<string, string>][] = [
    ['DO_NOT_TRACK=1', () => ({ DO_NOT_TRACK: '1' })],
    ['DISABLE_TELEMETRY=true', () => ({ DISABLE_TELEMETRY: 'true' })],
    [
      'the opt-out file in HOMECALL_DIR',
      (where) => {
        mkdirSync(where.state, { recursive: true });
        writeFileSync(join(where.state, 'opt-out'), '');
        return {};
      },
    ],
    [
      '~/.config/homecall/opt-out',
      (where) => {
        mkdirSync(join(where.home, '.config', 'homecall'), { recursive: true });
        writeFileSync(join(where.home, '.config', 'homecall', 'opt-out'), '');
        return {};
      },
    ],
    [
      'Netdata-style .opt-out-from-anonymous-statistics in HOMECALL_CONFIG_DIR',
      (where) => {
        const config = join(where.home, 'etc');
        mkdirSync(config, { recursive: true });
        writeFileSync(join(config, '.opt-out-from-anonymous-statistics'), '');
        return { HOMECALL_CONFIG_DIR: config };
      },
    ],
  ];

  test.skipIf(!available).each(optOuts)('%s: nothing is sent, exit 0', async (_name, setup) => {
    const where = newHome();
    const version = uniqueVersion(shell);
    const env = setup(where);
    const before = await eventCount();
    const result = await runAgent(shell, where, ['send', 'start'], {
      ...env,
      HOMECALL_PRODUCT_VERSION: version,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('nothing is sent');
    expect(result.stderr).not.toContain('POST');
    expect(existsSync(where.idFile)).toBe(false);
    expect(await eventsOf(version)).toEqual([]);
    expect(await eventCount()).toBe(before);
  });

  test.skipIf(!available)('DO_NOT_TRACK=0 is not an opt-out', async () => {
    const where = newHome();
    const version = uniqueVersion(shell);
    const result = await runAgent(shell, where, ['send'], {
      DO_NOT_TRACK: '0',
      HOMECALL_PRODUCT_VERSION: version,
    });
    expect(result.stderr).toContain('HTTP 202');
    expect(await eventsOf(version)).toHaveLength(1);
  });

  test.skipIf(!available)('an unreachable server neither blocks nor fails the caller', async () => {
    for (const path of [process.env.PATH ?? '', noCurlPath]) {
      const where = newHome();
      const result = await runAgent(shell, where, ['send'], {
        PATH: path,
        HOMECALL_URL: UNREACHABLE,
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('no answer');
    }
    const quiet = await runAgent(shell, newHome(), ['send'], {
      HOMECALL_URL: UNREACHABLE,
      HOMECALL_VERBOSE: '',
    });
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  test.skipIf(!available)(
    'a server that never answers: one attempt, given up by the agent itself, caller not failed',
    async () => {
      // The agent's own limit (curl --max-time 5, wget -T 5 -t 1) ends the wait, with no retry:
      // an agent that waited on would hang into the test's timeout, one that retried would connect
      // twice.
      const silent = await silentServer();
      try {
        for (const path of [process.env.PATH ?? '', noCurlPath]) {
          const before = silent.connections();
          const result = await runAgent(shell, newHome(), ['send'], {
            PATH: path,
            HOMECALL_URL: silent.url,
          });
          expect(result.code).toBe(0);
          expect(result.stderr).toContain('no answer');
          expect(silent.connections() - before).toBe(1);
        }
      } finally {
        await silent.stop();
      }
    },
  );

  test.skipIf(!available)(
    'erase deletes the install’s events and the id file; a failed erase keeps it',
    async () => {
      const where = newHome();
      const version = uniqueVersion(shell);
      const env = { HOMECALL_PRODUCT_VERSION: version };
      await runAgent(shell, where, ['send', 'install'], env);
      await runAgent(shell, where, ['send', 'heartbeat'], env);
      expect(await eventsOf(version)).toHaveLength(2);

      const failed = await runAgent(shell, where, ['erase'], { HOMECALL_URL: UNREACHABLE });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('was kept');
      expect(existsSync(where.idFile)).toBe(true);

      const erased = await runAgent(shell, where, ['erase']);
      expect(erased.stderr).toContain('HTTP 200');
      expect(erased.stderr).toContain('{"erased":true}');
      expect(erased.code).toBe(0);
      expect(existsSync(where.idFile)).toBe(false);
      expect(await eventsOf(version)).toEqual([]);

      const nothingLeft = await runAgent(shell, where, ['erase']);
      expect(nothingLeft.code).toBe(0);
      expect(nothingLeft.stderr).toContain('nothing to erase');
    },
  );

  test.skipIf(!available)('a bad command line is a usage error, help is not', async () => {
    const where = newHome();
    const bad = await runAgent(shell, where, ['send', 'explode']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown event type "explode"');
    const help = await runAgent(shell, where, ['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: agent.sh');
    expect(existsSync(where.idFile)).toBe(false);
  });
});
