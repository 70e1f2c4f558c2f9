// The production-dependency audit gate: high or critical findings fail, lower ones pass, and an
// audit the registry refuses is reported as not run (failing only with AUDIT_REQUIRED=1).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { auditVerdict } from '../../../scripts/lib/audit.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/audit/${name}.json`, import.meta.url), 'utf8');

describe('auditVerdict', () => {
  test('a clean report passes and prints the counts', () => {
    const verdict = auditVerdict(fixture('clean'), false);
    expect(verdict).toMatchObject({ outcome: 'clean', exitCode: 0 });
    expect(verdict.lines[0]).toBe(
      'npm audit (production): 0 info, 0 low, 0 moderate, 0 high, 0 critical',
    );
  });

  test('moderate findings alone pass', () => {
    expect(auditVerdict(fixture('moderate'), true)).toMatchObject({
      outcome: 'clean',
      exitCode: 0,
    });
  });

  test('high findings fail and name each package with its advisory', () => {
    const verdict = auditVerdict(fixture('high'), false);
    expect(verdict).toMatchObject({ outcome: 'findings', exitCode: 1 });
    expect(verdict.lines.join('\n')).toContain(
      'path-to-regexp (high, <0.1.10): path-to-regexp outputs backtracking regular expressions',
    );
    // A package flagged through another one names it.
    expect(verdict.lines.join('\n')).toContain(
      'express (high, 4.0.0-rc1 - 4.21.1): path-to-regexp; cookie',
    );
    expect(verdict.lines.join('\n')).not.toContain('cookie (low');
  });

  test('a critical count fails even when the package list is missing', () => {
    const report = JSON.stringify({
      metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 1 } },
    });
    expect(auditVerdict(report, false)).toMatchObject({ outcome: 'findings', exitCode: 1 });
  });

  test('the registry refusing the advisory endpoint is "unavailable", not a pass', () => {
    const verdict = auditVerdict(fixture('registry-405'), false);
    expect(verdict).toMatchObject({ outcome: 'unavailable', exitCode: 0 });
    expect(verdict.lines[0]).toBe(
      'npm audit unavailable: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    );
    expect(auditVerdict(fixture('registry-405'), true)).toMatchObject({ exitCode: 1 });
  });

  test('output that is not JSON is "unavailable" too', () => {
    expect(auditVerdict('', true)).toMatchObject({ outcome: 'unavailable', exitCode: 1 });
    expect(auditVerdict('npm ERR! network', false).lines[0]).toBe(
      'npm audit unavailable: output is not JSON: npm ERR! network',
    );
  });
});

describe('npm run audit', () => {
  // A stand-in `npm` first on PATH prints a fixture, so the script's wiring is what is tested.
  const bin = mkdtempSync(join(tmpdir(), 'homecall-audit-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const run = (name: string, env: Record<string, string> = {}) => {
    writeFileSync(join(bin, 'report.json'), fixture(name));
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\ncat "${join(bin, 'report.json')}"\nexit 1\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const script = new URL('../../../scripts/audit.ts', import.meta.url).pathname;
    return spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, AUDIT_REQUIRED: '', ...env },
    });
  };

  test('exits 1 on a high finding and 0 on a clean report', () => {
    const high = run('high');
    expect(high.status).toBe(1);
    expect(high.stdout).toContain('high or critical findings');
    expect(run('clean').status).toBe(0);
  });

  test('exits 0 when the audit is unavailable, 1 with AUDIT_REQUIRED=1', () => {
    const refused = run('registry-405');
    expect(refused.status).toBe(0);
    expect(refused.stdout).toContain('npm audit unavailable: 405 Method Not Allowed');
    expect(run('registry-405', { AUDIT_REQUIRED: '1' }).status).toBe(1);
  });
});
