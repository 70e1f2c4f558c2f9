/**
 * Example configuration of a LibreNMS-style deployment: installs send LibreNMS's daily statistics
 * (`/compat/librenms/log.php`) and "clear remote stats" (`clear.php`); the canonical API stays
 * open for other clients. Copy the parts you need into homecall.config.ts (a test validates this
 * file against the same rules).
 */
import type { DeploymentConfigInput } from '../shared/config-schema.ts';

export default {
  productName: 'LibreNMS',
  siteName: 'LibreNMS usage statistics',
  siteUrl: 'https://stats.librenms.example.org',
  region: 'europe-west1',
  maxInstances: 10,
  kAnonymity: 5,
  // LibreNMS keeps submitted statistics for about three months.
  eventRetentionDays: 93,
  installRetentionDays: 93,
  // One report a day from a cron job: a day late is the usual worst case.
  lateArrivalHours: 48,
  clockSkewMinutes: 5,
  // Differential privacy: one report a day, so few events per install; device and port counts
  // are clipped per install (a 4,000-device install counts as 1,000 toward a sum).
  privacy: {
    epsilon: 6,
    delta: 1e-6,
    eventClip: 2,
    counterClip: 1000,
    valuesPerInstall: 8,
    counterValuesPerInstall: 32,
    // LibreNMS reports dozens of groups: 16 of them per install and day, picked by a hash.
    counterGroupsPerInstall: 16,
    // Window figures (d7, d28, breakdowns) averaged with the day before's published ones.
    smoothingAlpha: 0.5,
  },
  // One report a day per install: even a large fleet is a small day, so one shard is the rule.
  aggregation: { eventsPerShard: 1_000_000, shardParallelism: 4 },
  attributes: {
    php_version: {
      kind: 'string',
      title: 'PHP version',
      description: 'PHP version the web interface and pollers run on.',
      published: true,
    },
    python_version: {
      kind: 'string',
      title: 'Python version',
      description: 'Python version of the poller wrapper and dispatcher service.',
      published: true,
    },
    mysql_version: {
      kind: 'string',
      title: 'Database version',
      description: 'MySQL or MariaDB server version.',
      published: true,
    },
    database: {
      kind: 'string',
      title: 'Database engine',
      description: 'MariaDB or MySQL, as the database version says.',
      published: true,
    },
    rrdtool_version: {
      kind: 'string',
      title: 'RRDtool version',
      description: 'RRDtool version used for graphs.',
      published: true,
    },
    netsnmp_version: {
      kind: 'string',
      title: 'Net-SNMP version',
      description: 'Net-SNMP version used for polling.',
      published: true,
    },
  },
  counters: {
    alert_rules: {
      title: 'Alert rules',
      unit: 'rules',
      description: 'Alert rules defined, by severity.',
    },
    alert_templates: {
      title: 'Alert templates',
      unit: 'templates',
      description: 'Alert templates defined.',
    },
    api_tokens: {
      title: 'API tokens',
      unit: 'tokens',
      description: 'API tokens issued.',
    },
    applications: {
      title: 'Applications',
      unit: 'applications',
      description: 'Monitored applications, by application type.',
    },
    arch: {
      title: 'Device architectures',
      unit: 'devices',
      description: 'Devices by CPU architecture reported over SNMP.',
    },
    bgppeer_state: {
      title: 'BGP peers by state',
      unit: 'peers',
      description: 'BGP peers by session state.',
    },
    bgppeer_status: {
      title: 'BGP peers by admin status',
      unit: 'peers',
      description: 'BGP peers by administrative status.',
    },
    bills: {
      title: 'Bills',
      unit: 'bills',
      description: 'Billing definitions, by bill type.',
    },
    cef: {
      title: 'CEF switching entries',
      unit: 'entries',
      description: 'Cisco Express Forwarding switching entries.',
    },
    cisco_asa: {
      title: 'Cisco ASA OIDs',
      unit: 'entries',
      description: 'Cisco ASA connection statistics polled.',
    },
    hardware: {
      title: 'Hardware models',
      unit: 'devices',
      description: 'Devices by hardware model.',
    },
    ipsec: {
      title: 'IPsec tunnels',
      unit: 'tunnels',
      description: 'IPsec tunnels polled.',
    },
    ipv4_addresses: {
      title: 'IPv4 addresses',
      unit: 'addresses',
      description: 'IPv4 addresses discovered on devices.',
    },
    ipv4_macaddress: {
      title: 'ARP entries',
      unit: 'entries',
      description: 'IPv4-to-MAC (ARP) entries discovered.',
    },
    ipv4_networks: {
      title: 'IPv4 networks',
      unit: 'networks',
      description: 'IPv4 networks discovered.',
    },
    ipv6_addresses: {
      title: 'IPv6 addresses',
      unit: 'addresses',
      description: 'IPv6 addresses discovered on devices.',
    },
    ipv6_networks: {
      title: 'IPv6 networks',
      unit: 'networks',
      description: 'IPv6 networks discovered.',
    },
    mempool: {
      title: 'Memory pools',
      unit: 'pools',
      description: 'Memory pools polled, by description.',
    },
    os: {
      title: 'Devices by OS',
      unit: 'devices',
      description: 'Monitored devices by LibreNMS OS name.',
    },
    ospf: {
      title: 'OSPF instances',
      unit: 'instances',
      description: 'OSPF instances, by OSPF version.',
    },
    ospf_links: {
      title: 'OSPF links',
      unit: 'links',
      description: 'OSPF links discovered.',
    },
    pollers: {
      title: 'Pollers',
      unit: 'pollers',
      description: 'Poller processes of the install (distributed polling).',
    },
    port_ifspeed: {
      title: 'Ports by speed',
      unit: 'ports',
      description: 'Ports by interface speed (bit/s).',
    },
    port_type: {
      title: 'Ports by type',
      unit: 'ports',
      description: 'Ports by IANA ifType.',
    },
    port_vlans: {
      title: 'Port VLAN memberships',
      unit: 'memberships',
      description: 'Port VLAN memberships, by spanning-tree state.',
    },
    processes: {
      title: 'Processes',
      unit: 'processes',
      description: 'Processes seen on monitored hosts.',
    },
    processors: {
      title: 'Processors',
      unit: 'processors',
      description: 'Processors polled, by processor type.',
    },
    pseudowires: {
      title: 'Pseudowires',
      unit: 'pseudowires',
      description: 'Pseudowires polled.',
    },
    sensors: {
      title: 'Sensors',
      unit: 'sensors',
      description: 'Health sensors, by sensor class.',
    },
    sla: {
      title: 'IP SLA probes',
      unit: 'probes',
      description: 'IP SLA probes, by type.',
    },
    snmp_version: {
      title: 'Devices by SNMP version',
      unit: 'devices',
      description: 'Devices by the SNMP version used to poll them.',
    },
    storage: {
      title: 'Storage volumes',
      unit: 'volumes',
      description: 'Storage volumes polled, by storage type.',
    },
    toner: {
      title: 'Toner supplies',
      unit: 'supplies',
      description: 'Printer toner supplies polled.',
    },
    type: {
      title: 'Devices by type',
      unit: 'devices',
      description: 'Devices by device type (server, network, wireless, …).',
    },
    vlans: {
      title: 'VLANs',
      unit: 'VLANs',
      description: 'VLANs discovered, by VLAN type.',
    },
    vminfo: {
      title: 'Virtual machines',
      unit: 'VMs',
      description: 'Virtual machines discovered, by hypervisor.',
    },
    vmware: {
      title: 'VMware guests',
      unit: 'guests',
      description: 'VMware guests discovered.',
    },
    vrfs: {
      title: 'VRFs',
      unit: 'VRFs',
      description: 'VRFs discovered.',
    },
    wireless: {
      title: 'Wireless sensors',
      unit: 'sensors',
      description: 'Wireless sensors, by sensor class.',
    },
    xdp: {
      title: 'Neighbour discovery links',
      unit: 'links',
      description: 'Neighbours found by discovery protocol (LLDP, CDP, …).',
    },
  },
  compat: { netdata: false, librenms: true, cleaninsights: false },
  // LibreNMS reports once a day from cron: an install counts from its second daily report.
  screening: {
    establishedDays: 2,
    identitylessBaselineDays: 7,
    impossibleProfiles: [{ os: 'windows', kernel: 'Linux' }],
    anomaly: {
      baselineDays: 14,
      minBaselineDays: 7,
      jumpRatio: 3,
      concentratedRatio: 1.5,
      profileShare: 0.6,
      minJump: 20,
    },
    // LibreNMS posts its own form body and does no extra work: proofs are for canonical agents.
    proofOfWork: { difficulty: 0 },
    unestablishedInstallFailuresPerDay: 0,
  },
  optOut: {
    wording:
      'Statistics are only sent when an administrator enables them (Settings → About → Opt in to send anonymous statistics). Opting out again and pressing "Clear remote stats" erases everything this install sent.',
    // Opting in and out is a setting of the web interface, not an environment variable or file.
    environment: [],
    files: [],
  },
} satisfies DeploymentConfigInput;
