/**
 * `npm run audit`: runs `npm audit --omit=dev --json` and fails on high or critical findings in
 * production dependencies. See scripts/lib/audit.ts for what happens when the registry refuses.
 */
import { spawnSync } from 'node:child_process';
import { auditVerdict } from './lib/audit.ts';

const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
  encoding: 'utf8',
  timeout: 120_000,
});
const output = result.error ? '' : result.stdout;
const verdict = auditVerdict(output, process.env.AUDIT_REQUIRED === '1');
for (const line of verdict.lines) console.log(line);
process.exitCode = verdict.exitCode;
