// The shapes of structured strings (shared/schema/shapes.ts): every value the real clients send
// (their fixtures and values read from their code) fits, and values that carry a host, an address,
// an id, an e-mail address or a path do not, in the canonical schema as in the adapters.
import { describe, expect, test } from 'vitest';
import { canonicalEventSchema } from '../../../shared/schema/event.ts';
import {
  COUNTER_KEY_SHAPE,
  DEVICE_SHAPES,
  MODULE_SHAPES,
  PLATFORM_SHAPES,
  PRODUCT_SHAPES,
  attributeShape,
  fitsShape,
  type FieldShape,
} from '../../../shared/schema/shapes.ts';
import { mapCleanInsightsBody } from '../../../functions/src/compat/cleaninsights.ts';
import { mapLibreNmsLog } from '../../../functions/src/compat/librenms.ts';
import { mapNetdataBody } from '../../../functions/src/compat/netdata.ts';
import { repairNetdataJson } from '../../../functions/src/compat/netdata-json.ts';
import { keepShapedFields } from '../../../functions/src/ingest/shape-check.ts';
import type { AdapterResult } from '../../../functions/src/model/incoming.ts';
import { compatText as read } from '../../support/fixtures.ts';

const VERSION = PRODUCT_SHAPES.version;
const KERNEL_VERSION = PLATFORM_SHAPES.kernelVersion;
const NAME = PLATFORM_SHAPES.os;
const NAME_LIST = PLATFORM_SHAPES.osLike;
const LABEL = attributeShape('telemetry_source');
const OID = DEVICE_SHAPES.sysObjectID;

/** Real values, from the fixtures and from the clients' code (Version.php, system_info.py, ...). */
const REAL: [string, FieldShape, string[]][] = [
  [
    'versions',
    VERSION,
    [
      'v1.44.3',
      '1.44.3',
      'v2.0.0-rc.1',
      'v1.44.0-123-nightly',
      '24.1.0',
      '24.1.0-17-g4f3e',
      '24.1.0-17-g4f3e2a1b9c8d',
      'master',
      '8.2.7',
      '8.1.2-1ubuntu2.14',
      '10.11.6-MariaDB-0+deb12u1',
      '8.0.35-0ubuntu0.22.04.1',
      '3.11.2',
      '1.7.2',
      '5.9.3',
      '23.0.0a',
      '1.2.0a0',
      '1.1.0.post1',
      '1.2.0.dev0',
      '12',
      '22.04',
      '9.3',
      '3.19.1',
      'rolling',
      '10.0.19045',
      '23.2.0',
    ],
  ],
  [
    'kernel versions',
    KERNEL_VERSION,
    [
      '6.1.0-18-amd64',
      '5.15.0-91-generic',
      '5.14.0-362.8.1.el9_3.x86_64',
      '5.4.278-1.el7.elrepo.x86_64',
      '5.15.153.1-microsoft-standard-WSL2',
      '5.10.103-v7l+',
      '6.6.31+rpt-rpi-v8',
      '6.1.0-21-cloud-arm64',
      '14.0-RELEASE',
      '14.0-RELEASE-p6',
      '6.5.11-7-pve',
      '4.4.302+',
    ],
  ],
  [
    'names',
    NAME,
    [
      'linux',
      'Linux',
      'FreeBSD',
      'Darwin',
      'debian',
      'rocky',
      'macos',
      'x86_64',
      'aarch64',
      'armv7l',
      'kvm',
      'none',
      'docker',
      'systemd-nspawn',
      'stable',
      'nightly',
      'kickstart-static',
      'binpkg-deb',
      'ansible-openwisp2',
      'docker-openwisp',
      'openwisp-controller',
      'netjsonconfig',
      'INCOMPLETE_SHUTDOWN',
      'routeros',
    ],
  ],
  ['name lists', NAME_LIST, ['rhel centos fedora', 'debian', 'ubuntu debian']],
  [
    'labels',
    LABEL,
    [
      'agent backend',
      'agent installer',
      'dbengine|Native HTTPS|Netdata Cloud|ACLK|HTTPD (h2o)|protobuf',
      'AWS',
      'mariadb',
      'OS Details',
    ],
  ],
  [
    'counter keys',
    COUNTER_KEY_SHAPE,
    [
      'os.linux',
      'type.(none)',
      'hardware.Generic_x86_64-bit',
      'hardware.WS-C2960X-48FPD-L',
      'hardware.CCR2004-16G-2S+',
      'full_type.ios,_WS-C2960-24TT-L,_network',
      'port_ifspeed.1000',
      'mempool.Physical_memory',
      'snmp_version.v2c',
      'cisco_asa..1.3.6.1.4.1.9.9.147.1.2.2.2.1.5.40.6',
      'alert_templates.total',
    ],
  ],
  [
    'OIDs',
    OID,
    ['.1.3.6.1.4.1.9.1.516', '.1.3.6.1.4.1.8072.3.2.10', '1.3.6.1.4.1.14988.1', '.0.0'],
  ],
];

/** Values that name a host, an address, an install, a person or a path. */
const IDENTIFYING: [string, FieldShape, string[]][] = [
  [
    'versions',
    KERNEL_VERSION,
    [
      'db-prod-07.corp.example.com',
      '6.1.0-10.1.2.3',
      '5.15.0-192.168.1.20',
      '10.1.2.3',
      '1.0-host.lan',
      '1.0-alice@example.com',
      '4f8a2c1e-9b7d-11ee-8c4a-0242ac120002',
      '3b5d5c3712955042212316173ccf37be',
      '1.0-001a2b3c4d5e',
      '1.0 beta',
      '/home/alice',
      '',
      '9'.repeat(129),
    ],
  ],
  [
    'names',
    NAME,
    [
      'alice@example.com',
      'db01.corp.example.com',
      'web.local',
      '00:1a:2b:3c:4d:5e',
      '00-1A-2B-3C-4D-5E',
      '001a.2b3c.4d5e',
      '001a2b3c4d5e',
      'Debian GNU/Linux',
      '<script>',
      'fw-10.0.0.1',
      'x'.repeat(65),
    ],
  ],
  ['name lists', NAME_LIST, ['debian  ubuntu', 'debian corp.example.com', 'rhel /home/alice']],
  [
    'labels',
    LABEL,
    [
      'mariadb at 10.0.0.5',
      'on web01.corp.example.com',
      'C:\\Users\\alice',
      'path /home/alice/x',
      'link fe80::1',
      'host 2001:db8::7',
      'id 6f1c2d3e-8a9b-4c5d-9e0f-112233445566',
      'a@b',
    ],
  ],
  [
    'counter keys',
    COUNTER_KEY_SHAPE,
    [
      'oslinux',
      'os.',
      'os.linux x',
      'hostname.db01.corp.example.com',
      'ip.10.0.0.1',
      'mac.00-1A-2B-3C-4D-5E',
      'user.alice@example.com',
      'a b.c',
    ],
  ],
  ['OIDs', OID, ['10.0.0.1', '1.3.6.1.abc', '.1.3.6.1.4.1.9 ', '192.168.1.1']],
];

describe('real values fit their shapes', () => {
  test.each(REAL)('%s', (_kind, shape, values) => {
    expect(values.filter((value) => !fitsShape(shape, value))).toEqual([]);
  });
});

describe('identifying values do not', () => {
  test.each(IDENTIFYING)('%s', (_kind, shape, values) => {
    expect(values.filter((value) => fitsShape(shape, value))).toEqual([]);
  });
});

test('the canonical schema states the same shapes', () => {
  const parse = (product: unknown) =>
    canonicalEventSchema.safeParse({ schema: 1, installId: 'a', type: 'start', product });
  expect(parse({ version: '6.1.0-18-amd64' }).success).toBe(true);
  expect(parse({ version: 'db-prod-07.corp.example.com' }).success).toBe(false);
  expect(parse({ channel: 'alice@example.com' }).success).toBe(false);
  expect(fitsShape(MODULE_SHAPES.name, 'openwisp-controller')).toBe(true);
});

/** The wire names of the structured fields each adapter reads. */
const STRUCTURED_WIRE_FIELD =
  /^(?:properties\.(?:netdata_version|netdata_release_channel|netdata_install_type|selected_install_method|host_os_(?:id|name|version|version_id|id_like)|system_kernel_(?:name|version)|system_architecture|system_virtualization|system_container)|info\[\d+\]\.(?:os|sysObjectID)|events\[\d+\]\.(?:name|category)|event)$/;

function expectNothingDropped(result: AdapterResult): void {
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.ignoredFields.filter((name) => STRUCTURED_WIRE_FIELD.test(name))).toEqual([]);
  for (const event of result.events) expect(keepShapedFields(event).dropped).toEqual([]);
}

describe('every real fixture keeps every structured value', () => {
  const netdata = [
    'netdata-agent-crash.json',
    'netdata-agent-exit-error.json',
    'netdata-agent-exit-ok.json',
    'netdata-agent-fatal.json',
    'netdata-agent-fatal-guid-in-reason.json',
    'netdata-agent-incomplete-shutdown.json',
    'netdata-agent-meta-posthog.json',
    'netdata-agent-start.json',
    'netdata-agent-zero-guid.json',
    'netdata-installer-crash.json',
    'netdata-installer-failed.json',
    'netdata-installer-success.json',
    'netdata-agent-fatal-early.malformed.txt',
    'netdata-agent-fatal-early-no-id.malformed.txt',
    'netdata-agent-start-no-system-info.malformed.txt',
    'netdata-installer-checksum-failed.malformed.txt',
  ];
  test.each(netdata)('%s', (name) => {
    const text = read(name);
    const body: unknown = JSON.parse(repairNetdataJson(text) ?? text);
    expectNothingDropped(mapNetdataBody(body));
  });

  test.each(['librenms-daily.form', 'librenms-legacy-callback.form'])('%s', (name) => {
    const result = mapLibreNmsLog(new URLSearchParams(read(name).trim()));
    expectNothingDropped(result);
    // Every counter and version of the real reports is kept (dbschema is never collected).
    if (result.ok)
      expect(result.ignoredFields.filter((f) => /^data\./.test(f))).toEqual(['data.dbschema']);
  });

  test.each([
    'cleaninsights-consent-withdrawn.json',
    'cleaninsights-heartbeat-dev.json',
    'cleaninsights-heartbeat.json',
    'cleaninsights-install.json',
    'cleaninsights-upgrade.json',
  ])('%s', (name) => {
    expectNothingDropped(mapCleanInsightsBody(JSON.parse(read(name))));
  });
});
