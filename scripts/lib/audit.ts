/**
 * The verdict on `npm audit --omit=dev --json`: fail on any high or critical finding in the
 * packages a deploy ships. When the registry cannot answer (this one refuses the bulk advisory
 * endpoint with 405), say so plainly: the check did not run, which is not a pass. AUDIT_REQUIRED=1
 * turns that into a failure.
 */

/** Severities npm audit reports, least to most severe. */
const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

/** What the gate decided and the lines it prints. */
export interface AuditVerdict {
  outcome: 'clean' | 'findings' | 'unavailable';
  exitCode: 0 | 1;
  lines: string[];
}

interface AuditReport {
  metadata?: { vulnerabilities?: Partial<Record<Severity | 'total', number>> };
  vulnerabilities?: Record<string, { severity?: string; via?: unknown[]; range?: string }>;
  message?: string;
  statusCode?: number;
  error?: { summary?: string; detail?: string; code?: string };
}

/** Decides from npm audit's JSON output; `required` makes an unavailable audit fail. */
export function auditVerdict(output: string, required: boolean): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(output) as AuditReport;
  } catch {
    return unavailable(`output is not JSON: ${output.trim().slice(0, 200) || '(empty)'}`, required);
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const reason =
      report.message ?? report.error?.summary ?? report.error?.code ?? 'no audit report';
    return unavailable(reason, required);
  }
  const summary = SEVERITIES.map((s) => `${counts[s] ?? 0} ${s}`).join(', ');
  const serious = Object.entries(report.vulnerabilities ?? {}).filter(
    ([, v]) => v.severity === 'high' || v.severity === 'critical',
  );
  const seriousCount = (counts.high ?? 0) + (counts.critical ?? 0);
  if (seriousCount === 0 && serious.length === 0) {
    return { outcome: 'clean', exitCode: 0, lines: [`npm audit (production): ${summary}`] };
  }
  const lines = [`npm audit (production): ${summary}; high or critical findings:`];
  for (const [name, v] of serious) {
    const titles = (v.via ?? [])
      .map((via) =>
        typeof via === 'object' && via !== null ? (via as { title?: string }).title : via,
      )
      .filter((t): t is string => typeof t === 'string');
    lines.push(`  ${name} (${v.severity}, ${v.range ?? 'any version'}): ${titles.join('; ')}`);
  }
  return { outcome: 'findings', exitCode: 1, lines };
}

function unavailable(reason: string, required: boolean): AuditVerdict {
  return {
    outcome: 'unavailable',
    exitCode: required ? 1 : 0,
    lines: [
      `npm audit unavailable: ${reason}`,
      required
        ? 'AUDIT_REQUIRED=1: failing, since no advisory data was checked.'
        : 'No advisory data was checked; set AUDIT_REQUIRED=1 to fail when the audit cannot run.',
    ],
  };
}
