/**
 * Example configuration of a Netdata-style deployment: agents (`anonymous-statistics.sh`) and the
 * installer (`kickstart.sh`) post their events to `/compat/netdata`; the canonical API stays open
 * too. Copy the parts you need into homecall.config.ts (a test validates this file against the
 * same rules).
 */
import type { DeploymentConfigInput } from '../shared/config-schema.ts';

export default {
  productName: 'Netdata',
  siteName: 'Netdata agent statistics',
  siteUrl: 'https://stats.netdata.example.org',
  region: 'us-central1',
  // Every agent reports on start, exit and crash: a large fleet needs more instances.
  maxInstances: 100,
  kAnonymity: 10,
  eventRetentionDays: 60,
  installRetentionDays: 60,
  lateArrivalHours: 72,
  clockSkewMinutes: 10,
  // Differential privacy: with hundreds of thousands of installs a smaller ε (more noise per
  // figure, less said about any one install) still keeps the median error of a bucket of 1,000
  // installs near 1 % (noise σ ≈ 14 installs; a bucket appears from a noisy count of 86).
  privacy: {
    epsilon: 2,
    delta: 1e-7,
    eventClip: 6,
    counterClip: 100,
    valuesPerInstall: 8,
    counterValuesPerInstall: 16,
    counterGroupsPerInstall: 4,
    // Window figures (d7, d28, breakdowns) averaged with the day before's published ones.
    smoothingAlpha: 0.5,
  },
  // Millions of events a day: more shards run at once to publish the day sooner.
  aggregation: { eventsPerShard: 1_000_000, shardParallelism: 16 },
  attributes: {
    cpu_cores: {
      kind: 'number',
      title: 'CPU cores',
      unit: 'cores',
      description: 'CPU cores of the host the agent runs on.',
      published: true,
      buckets: { kind: 'ranges', from: [1, 2, 4, 8, 16, 32] },
    },
    memory_gib: {
      kind: 'number',
      title: 'Memory',
      unit: 'GiB',
      description: 'Total RAM of the host, rounded to GiB.',
      published: true,
      buckets: { kind: 'power-of-two', min: 1, max: 4096 },
    },
    cloud_provider: {
      kind: 'string',
      title: 'Cloud provider',
      description: 'Cloud provider type the host runs on, if any.',
      published: true,
    },
    telemetry_source: {
      kind: 'string',
      title: 'Reporting client',
      description: 'Agent or installer.',
      published: true,
    },
    mirrored_hosts: {
      kind: 'number',
      title: 'Streamed child hosts',
      unit: 'hosts',
      description: 'Child agents streaming their metrics to this one.',
      published: false,
    },
    netdata_buildinfo: {
      kind: 'string',
      title: 'Build features',
      description: 'Compile-time features of the agent; kept for debugging, never published.',
      published: false,
    },
  },
  counters: {},
  compat: { netdata: true, librenms: false, cleaninsights: false },
  // Installer runs (kickstart.sh) fail once and never report again: their failures are published
  // apart, at most 2,000 a day; agents count from their second day, or first with a proof.
  screening: {
    establishedDays: 2,
    identitylessBaselineDays: 7,
    impossibleProfiles: [
      { os: 'macos', kernel: 'Linux' },
      { kernel: 'Darwin', os: 'debian' },
      { kernel: 'Darwin', os: 'ubuntu' },
    ],
    anomaly: {
      baselineDays: 14,
      minBaselineDays: 7,
      jumpRatio: 3,
      concentratedRatio: 1.5,
      profileShare: 0.6,
      minJump: 200,
    },
    proofOfWork: { difficulty: 16 },
    unestablishedInstallFailuresPerDay: 2000,
  },
  optOut: {
    wording:
      'Anonymous statistics are on by default. To opt out, create the file below in the agent configuration directory or set one of the environment variables when installing or starting the agent; it then sends nothing.',
    environment: ['DO_NOT_TRACK', 'DISABLE_TELEMETRY'],
    files: ['.opt-out-from-anonymous-statistics'],
  },
} satisfies DeploymentConfigInput;
