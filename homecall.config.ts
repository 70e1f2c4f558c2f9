/**
 * The deployment's configuration: the one file a maintainer edits. The functions (ingest,
 * aggregate, stats), `npm run aggregate`, the site, the OpenAPI document and the privacy page all
 * read it, and `npm run build`, `npm start`, `npm run deploy` and the functions' startup refuse a
 * bad value with a message naming the field (shared/config-schema.ts holds the rules).
 * Secrets are not configuration: INSTALL_ID_SECRET lives in Secret Manager.
 * Examples for other kinds of deployment: examples/librenms.config.ts, examples/netdata.config.ts.
 */
import type { DeploymentConfigInput } from './shared/config-schema.ts';

export default {
  /** The software whose installs report; used in page titles and texts. */
  productName: 'homecall',
  /** The site's name in the header and the browser tab. */
  siteName: 'homecall stats',
  /** Public address of the site (links, the privacy page, the OpenAPI `servers` entry). */
  siteUrl: 'https://stats.example.org',

  /** Region of every function. firebase.json's hosting rewrites must name the same one (a test checks). */
  region: 'us-central1',
  /** Cost cap: the most instances one HTTP function may scale to. */
  maxInstances: 20,

  /**
   * k: the least noisy install count with which a published bucket appears (the differentially
   * private threshold below is never lower), and the floor of the maintainers' private exports
   * (npm run export). At least 5.
   */
  kAnonymity: 5,
  /** Days a raw event is kept (Firestore TTL on expireAt, and the daily purge). */
  eventRetentionDays: 90,
  /** Days an install is remembered after it was last seen; unseen longer, it counts as new (at least 28). */
  installRetentionDays: 90,
  /** An agent-supplied event time is accepted this far back (late arrivals)... */
  lateArrivalHours: 72,
  /** ...and this far ahead (clock skew). */
  clockSkewMinutes: 5,

  /**
   * Differential privacy of every published figure; the privacy unit is one install. A day is
   * published once, when final (its noise drawn once), with the values in force then: a change
   * here applies to days not yet published. At ε = 8, with the window figures smoothed over time
   * (α = 0.5), the demo fleet of 300 installs meets the utility target (median error at most 2 %
   * for buckets of 100 installs or more): 1.90 % over all buckets (2.26 % without smoothing),
   * breakdowns 1.1–2.0 %, counter groups 1.67 %, active installs per version 1.80 %
   * (`npm run bench -- --privacy`). Modules and counter values, which one install counts in
   * several times, need more installs for it (the privacy page states from how many). A larger
   * fleet reaches the same accuracy with a smaller ε; the privacy page states what a day's ε means
   * over 28 days.
   */
  privacy: {
    /** ε of one day's release ((ε, δ)-differential privacy per day; the privacy page composes days). */
    epsilon: 8,
    /** δ of one day's release. */
    delta: 1e-6,
    /** Events of one install counted per day, all types together. */
    eventClip: 4,
    /** Largest count of one counter value (devices, ports...) taken from one install on a day. */
    counterClip: 100,
    /** Modules, failure signatures or install failure codes one install counts per day. */
    valuesPerInstall: 8,
    /** Counter values one install counts per day. */
    counterValuesPerInstall: 16,
    /**
     * Counter groups one install counts per day; its values come from these groups only. One
     * install changes this many group counts at most, so the groups' noise grows with its square
     * root (2 here instead of 4 with the values' bound): LibreNMS-style clients report a few
     * groups (devices, ports, sensors, OS); a deployment whose clients report more raises it.
     */
    counterGroupsPerInstall: 4,
    /**
     * Smoothing over time of the window figures (d7, d28 and the breakdowns, all of them counts of
     * the installs active in the 7 or 28 days ending on the day): each is published as α · the
     * day's noisy value + (1 − α) · the day before's published value when the day before published
     * it too — post-processing of published figures, no privacy cost. α = 0.5 leaves a third of
     * the noise variance (σ × 0.58) and lags a figure growing by g a day by about g · (1 − α) / α
     * = g; a change beyond noise is passed on, and d1 is each day's own. Chosen by measurement on
     * the demo fleet: all buckets 1.90 % at 0.5, 1.98 % at 0.4 and at 0.6, 2.11 % at 0.3, 2.00 %
     * at 0.7, 2.26 % without (`npm run bench -- --privacy --alphas=0.3,0.4,0.6,0.7`). false
     * publishes each day's figures alone.
     */
    smoothingAlpha: 0.5,
  },

  /** How the daily aggregation splits its work into Cloud Tasks. */
  aggregation: {
    /** Events one shard task is sized for: a day of N events runs in N / this tasks (at most 256). */
    eventsPerShard: 1_000_000,
    /** Shard tasks running at once (the task queue's concurrent dispatches). */
    shardParallelism: 8,
  },

  /**
   * Attribute keys agents may send (anything else is dropped and named back in ignoredFields).
   * `published` ones get a daily breakdown `attribute.<key>`, subject to k, and a chart on the
   * Attributes page titled, described and counted as said here; a number attribute's `buckets`
   * (`ranges` from lower bounds, or `power-of-two`) are applied before k (see shared/figures.ts).
   */
  attributes: {
    cpu_cores: {
      kind: 'number',
      title: 'CPU cores',
      unit: 'cores',
      description: 'Number of CPU cores of the host.',
      published: true,
      buckets: { kind: 'ranges', from: [1, 2, 4, 8, 16, 32] },
    },
    memory_gib: {
      kind: 'number',
      title: 'Memory',
      unit: 'GiB',
      description: 'Installed memory in GiB, rounded.',
      published: true,
      buckets: { kind: 'power-of-two', min: 1, max: 4096 },
    },
    database: {
      kind: 'string',
      title: 'Database engine',
      description: 'Database engine the software stores its data in.',
      published: true,
    },
    php_version: {
      kind: 'string',
      title: 'PHP version',
      description: 'PHP version (LibreNMS-style installs).',
      published: true,
    },
    python_version: {
      kind: 'string',
      title: 'Python version',
      description: 'Python version (OpenWISP-style installs).',
      published: true,
    },
    mysql_version: {
      kind: 'string',
      title: 'MySQL/MariaDB version',
      description: 'MySQL or MariaDB version (LibreNMS-style installs).',
      published: true,
    },
    rrdtool_version: {
      kind: 'string',
      title: 'RRDtool version',
      description: 'RRDtool version (LibreNMS-style installs).',
      published: true,
    },
    netsnmp_version: {
      kind: 'string',
      title: 'Net-SNMP version',
      description: 'Net-SNMP version (LibreNMS-style installs).',
      published: true,
    },
    cloud_provider: {
      kind: 'string',
      title: 'Cloud provider',
      description: 'Cloud provider type the host runs on, if any (Netdata-style installs).',
      published: true,
    },
    netdata_buildinfo: {
      kind: 'string',
      title: 'Build features',
      description: 'Compile-time features of the agent (Netdata-style installs).',
      published: false,
    },
    mirrored_hosts: {
      kind: 'number',
      title: 'Streamed child hosts',
      unit: 'hosts',
      description: 'Number of child hosts streamed to this agent.',
      published: false,
    },
    telemetry_source: {
      kind: 'string',
      title: 'Reporting client',
      description: 'Which client sent the event (agent, installer, web app).',
      published: true,
    },
  },

  /**
   * Counter groups (`counters: {"<group>.<value>": n}`, LibreNMS-style facts) with the title, unit
   * and description the site shows. Groups not listed are still summed and published (subject
   * to k), titled by their key.
   */
  counters: {
    devices: {
      title: 'Monitored devices',
      unit: 'devices',
      description: 'Devices an install monitors, summed over installs.',
    },
    os: {
      title: 'Devices by operating system',
      unit: 'devices',
      description: 'Monitored devices by the operating system the install detected on them.',
    },
    port_type: {
      title: 'Ports by type',
      unit: 'ports',
      description: 'Monitored network ports by interface type.',
    },
    sensors: {
      title: 'Sensors by class',
      unit: 'sensors',
      description: 'Health sensors polled, by sensor class.',
    },
  },

  /** Which compat wire formats this deployment accepts; `/compat/...` of the others answers 404. */
  compat: { netdata: true, librenms: true, cleaninsights: true },

  /**
   * What counts toward the published figures, so that made-up installs move nothing cheaply
   * (README "What counts"; the privacy page states these values).
   */
  screening: {
    /** Distinct days (consistent OS, architecture, kernel) before an install counts; 1 turns this off. */
    establishedDays: 2,
    /** Days a cohort of identical reports without identity is compared with. */
    identitylessBaselineDays: 7,
    /**
     * Released versions (`1.6.*` is a prefix); a report of another version waits until it is
     * listed. Left out: versions are learned from established installs.
     */
    // releasedVersions: ['1.4.*', '1.5.*', '1.6.*'],
    /** Platforms no real install has: held out. */
    impossibleProfiles: [
      { os: 'macos', kernel: 'Linux' },
      { os: 'macos', arch: 'armv7l' },
      { os: 'macos', arch: 's390x' },
      { kernel: 'Darwin', os: 'debian' },
      { kernel: 'Darwin', os: 'ubuntu' },
      { kernel: 'Darwin', arch: 's390x' },
    ],
    /** A day is flagged when new, newly established or active installs jump above their median. */
    anomaly: {
      baselineDays: 14,
      minBaselineDays: 7,
      jumpRatio: 3,
      concentratedRatio: 1.5,
      profileShare: 0.6,
      minJump: 20,
    },
    /** Opt-in proof of work of canonical agents: leading zero bits (about 2^N hashes); 0 is off. */
    proofOfWork: { difficulty: 16 },
    /** Failed installs of installs not established, published apart: at most this many a day. */
    unestablishedInstallFailuresPerDay: 50,
  },

  /** How users opt out, as the privacy page states it (and as agent.sh honours it). */
  optOut: {
    wording:
      'Telemetry is on by default and anonymous. To turn it off, set one of the environment variables below or create one of the files; the agent then sends nothing at all.',
    environment: ['DO_NOT_TRACK', 'DISABLE_TELEMETRY'],
    files: ['.opt-out-from-anonymous-statistics', '~/.config/homecall/opt-out'],
  },
} satisfies DeploymentConfigInput;
