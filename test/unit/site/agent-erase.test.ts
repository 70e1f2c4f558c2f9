// agent.sh erase against a local HTTP server that answers as told: only homecall's erase answer,
// {"erased":true}, counts as a confirmation (exit 0, local id removed); any other answer — an
// error, or a 200 from something else such as a captive portal — exits 1 and keeps the id.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const SCRIPT = new URL('../../../site/public/agent.sh', import.meta.url).pathname;
const INSTALL_ID = 'b1c2d3e4-0000-4000-8000-00000000e4a5';

let server: Server;
let url: string;
let answer: { status: number; type: string; body: string } = {
  status: 200,
  type: 'application/json',
  body: '{"erased":true}',
};
const received: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(answer.status, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const shells = ['dash', 'bash'].filter(
  (shell) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0,
);
const hasCurl = spawnSync('sh', ['-c', 'command -v curl']).status === 0;

function erase(shell: string): Promise<{ code: number | null; idKept: boolean; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'homecall-erase-'));
  dirs.push(home);
  const state = join(home, 'state');
  mkdirSync(state, { mode: 0o700 });
  const idFile = join(state, 'install-id');
  writeFileSync(idFile, `${INSTALL_ID}\n`, { mode: 0o600 });
  return new Promise((resolve, reject) => {
    const child = spawn(shell, [SCRIPT, 'erase'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        HOMECALL_DIR: state,
        HOMECALL_URL: url,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, idKept: existsSync(idFile), stderr }));
  });
}

describe.skipIf(!hasCurl || shells.length === 0)('agent.sh erase', () => {
  describe.each(shells)('under %s', (shell) => {
    test.each([
      ['{"erased":true}', 0],
      ['{ "erased": true }\n', 0],
    ])('the erase answer %j confirms: exit 0, id removed', async (body, code) => {
      answer = { status: 200, type: 'application/json', body };
      received.length = 0;
      const result = await erase(shell);
      expect(result.code).toBe(code);
      expect(result.idKept).toBe(false);
      expect(received).toEqual([`POST /v1/erase {"installId":"${INSTALL_ID}"}`]);
    });

    test.each([
      [
        'a 200 page from something else',
        200,
        'text/html',
        '<html>Welcome to the hotel Wi-Fi</html>',
      ],
      ['a 200 without the confirmation', 200, 'application/json', '{"erased":false}'],
      ['a storage fault', 503, 'application/json', '{"error":{"code":"unavailable"}}'],
      ['a client error', 400, 'application/json', '{"error":{"code":"invalid_body"}}'],
    ])('%s is no confirmation: exit 1, id kept', async (_name, status, type, body) => {
      answer = { status, type, body };
      const result = await erase(shell);
      expect(result.code).toBe(1);
      expect(result.idKept).toBe(true);
      expect(result.stderr).toContain('was kept');
    });
  });
});
