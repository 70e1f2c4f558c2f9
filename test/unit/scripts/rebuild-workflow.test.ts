// The scheduled site rebuild (.github/workflows/rebuild-site.yml): it parses, runs daily after the
// 00:15 UTC aggregation, authenticates, and deploys hosting through `npm run deploy`, with every
// repository setting it reads documented in the README.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const text = read('.github/workflows/rebuild-site.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
  env?: Record<string, string>;
}
interface Workflow {
  on: { schedule: { cron: string }[]; workflow_dispatch?: unknown };
  permissions: Record<string, string>;
  jobs: Record<string, { if?: string; 'runs-on': string; steps: Step[] }>;
}

const workflow = parse(text) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

describe('the scheduled site rebuild workflow', () => {
  test('runs every day after the aggregation (00:15 UTC), and on demand', () => {
    const crons = workflow.on.schedule.map((s) => s.cron.trim().split(/\s+/));
    expect(crons).toHaveLength(1);
    const [minute, hour, dayOfMonth, month, dayOfWeek] = crons[0] as string[];
    expect([dayOfMonth, month, dayOfWeek]).toEqual(['*', '*', '*']);
    const at = Number(hour) * 60 + Number(minute);
    expect(at).toBeGreaterThan(15);
    expect(at).toBeLessThan(6 * 60);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    // The aggregation the rebuild waits for runs at 00:15 UTC.
    expect(read('functions/src/index.ts')).toContain("schedule: '15 0 * * *'");
  });

  test('installs on Node 24, authenticates to Google Cloud, then runs npm run deploy for hosting only', () => {
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(Number(node?.with?.['node-version'])).toBeGreaterThanOrEqual(24);
    const auth = steps.filter((s) => s.uses?.startsWith('google-github-actions/auth@'));
    expect(auth.map((s) => Object.keys(s.with ?? {}).sort())).toEqual([
      ['service_account', 'workload_identity_provider'],
      ['credentials_json'],
    ]);
    const deploys = steps.filter((s) => s.run?.includes('npm run deploy'));
    expect(deploys).toHaveLength(1);
    expect(deploys[0]?.run).toBe('npm run deploy -- --only hosting --project "$FIREBASE_PROJECT"');
    expect(deploys[0]?.env?.FIREBASE_PROJECT).toBe('${{ vars.FIREBASE_PROJECT }}');
    // The deploy comes after install and authentication.
    const index = (s: Step | undefined) => steps.indexOf(s as Step);
    expect(index(deploys[0])).toBeGreaterThan(Math.max(...auth.map(index), index(node)));
    expect(workflow.permissions['id-token']).toBe('write');
  });

  test('every secret and variable it reads is documented in the README', () => {
    const names = [...text.matchAll(/\$\{\{\s*(secrets|vars)\.(\w+)/g)].map((m) => m[2] as string);
    expect(new Set(names)).toEqual(
      new Set([
        'FIREBASE_PROJECT',
        'GCP_SA_KEY',
        'GCP_WORKLOAD_IDENTITY_PROVIDER',
        'GCP_SERVICE_ACCOUNT',
      ]),
    );
    const readme = read('README.md');
    for (const name of names) expect(readme, name).toContain(`\`${name}\``);
  });

  test('without a project configured (a fork) the job is skipped instead of failing', () => {
    expect(Object.values(workflow.jobs).map((j) => j.if)).toEqual([
      "${{ vars.FIREBASE_PROJECT != '' }}",
    ]);
  });
});
