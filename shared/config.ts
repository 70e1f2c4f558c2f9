/**
 * The deployment's configuration: the one place that says what this homecall instance accepts,
 * publishes and promises. The ingest allowlist, the aggregation, and the public
 * "what we collect" page are all built from it, so they cannot drift apart.
 */

/** Kind of value an allowed attribute may carry. */
export type AttributeKind = 'string' | 'number' | 'boolean';

/** One attribute key that agents may send. */
export interface AttributeSpec {
  kind: AttributeKind;
  /** What the value means, shown on the public privacy page. */
  description: string;
  /** Whether the daily aggregate publishes a breakdown of it (subject to k-anonymity). */
  published: boolean;
  /**
   * The shape a string value must have (see shared/schema/shapes.ts); by default `version` for
   * keys ending in `_version` and `label` for the others. A value that does not fit is dropped.
   */
  shape?: 'version' | 'label';
}

/** Everything a deployment decides. */
export interface DeploymentConfig {
  siteName: string;
  productName: string;
  baseUrl: string;
  /** Buckets backed by fewer installs than this are folded into "other". */
  kAnonymity: number;
  /** Days a raw event is kept before the TTL policy and the daily purge delete it. */
  eventRetentionDays: number;
  /** Days an install record is kept after the install was last seen. */
  installRetentionDays: number;
  /** Agent-supplied times are accepted this far back (the late-arrival window). */
  lateArrivalHours: number;
  /** Agent-supplied times are accepted this far ahead (clock skew). */
  clockSkewMinutes: number;
  /** Attribute keys agents may send; any other key is dropped and reported back. */
  attributes: Record<string, AttributeSpec>;
  /** How agents let a user opt out, as shown on the public site. */
  optOut: { environment: string[]; files: string[] };
}

/** The configuration this repository deploys. */
export const deploymentConfig: DeploymentConfig = {
  siteName: 'homecall stats',
  productName: 'homecall',
  baseUrl: 'https://stats.example.org',
  kAnonymity: 5,
  eventRetentionDays: 90,
  installRetentionDays: 90,
  lateArrivalHours: 72,
  clockSkewMinutes: 5,
  attributes: {
    cpu_cores: {
      kind: 'number',
      description: 'Number of CPU cores of the host.',
      published: true,
    },
    memory_gib: {
      kind: 'number',
      description: 'Installed memory in GiB, rounded.',
      published: true,
    },
    database: {
      kind: 'string',
      description: 'Database engine the software stores its data in.',
      published: true,
    },
    php_version: {
      kind: 'string',
      description: 'PHP version (LibreNMS-style installs).',
      published: true,
    },
    python_version: {
      kind: 'string',
      description: 'Python version (OpenWISP-style installs).',
      published: true,
    },
    mysql_version: {
      kind: 'string',
      description: 'MySQL or MariaDB version (LibreNMS-style installs).',
      published: true,
    },
    rrdtool_version: {
      kind: 'string',
      description: 'RRDtool version (LibreNMS-style installs).',
      published: true,
    },
    netsnmp_version: {
      kind: 'string',
      description: 'Net-SNMP version (LibreNMS-style installs).',
      published: true,
    },
    cloud_provider: {
      kind: 'string',
      description: 'Cloud provider type the host runs on, if any (Netdata-style installs).',
      published: true,
    },
    netdata_buildinfo: {
      kind: 'string',
      description: 'Compile-time features of the agent (Netdata-style installs).',
      published: false,
    },
    mirrored_hosts: {
      kind: 'number',
      description: 'Number of child hosts streamed to this agent.',
      published: false,
    },
    telemetry_source: {
      kind: 'string',
      description: 'Which client sent the event (agent, installer, web app).',
      published: true,
    },
  },
  optOut: {
    environment: ['DO_NOT_TRACK', 'DISABLE_TELEMETRY'],
    files: ['.opt-out-from-anonymous-statistics', '~/.config/homecall/opt-out'],
  },
};
