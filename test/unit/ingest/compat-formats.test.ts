// The compat formats a deployment enables in homecall.config.ts: a disabled one answers 404 with
// the error shape and stores nothing, an enabled one keeps working, and the OpenAPI document
// lists only what is enabled.
import { describe, expect, test } from 'vitest';
import { COMPAT_FORMATS, deploymentConfig, type CompatFormat } from '../../../shared/config.ts';
import { buildOpenApi } from '../../../functions/src/docs/openapi.ts';
import type { HttpRequest } from '../../../functions/src/http/types.ts';
import { expectErrorBody, formRequest, jsonRequest } from '../../support/http-fakes.ts';
import { compatText as fixture } from '../../support/fixtures.ts';
import { ingestHarness } from '../../support/ingest-harness.ts';

/** One request per compat endpoint, each a body its real client sends. */
const REQUESTS: [CompatFormat, string, () => HttpRequest, number][] = [
  [
    'netdata',
    '/compat/netdata',
    () => jsonRequest('/compat/netdata', JSON.parse(fixture('netdata-agent-start.json'))),
    200,
  ],
  [
    'librenms',
    '/compat/librenms/log.php',
    () => formRequest('/compat/librenms/log.php', fixture('librenms-daily.form')),
    200,
  ],
  [
    'librenms',
    '/compat/librenms/clear.php',
    () => formRequest('/compat/librenms/clear.php', fixture('librenms-clear.form')),
    200,
  ],
  [
    'cleaninsights',
    '/compat/cleaninsights.php',
    () =>
      jsonRequest('/compat/cleaninsights.php', JSON.parse(fixture('cleaninsights-heartbeat.json'))),
    204,
  ],
];

function only(format: CompatFormat | null) {
  const compat = Object.fromEntries(COMPAT_FORMATS.map((f) => [f, f === format])) as Record<
    CompatFormat,
    boolean
  >;
  return { ...deploymentConfig, compat };
}

async function send(config: ReturnType<typeof only>, req: HttpRequest) {
  const { store, send: answer } = ingestHarness({
    secret: 'compat-formats-secret',
    now: '2026-03-10T12:00:00.000Z',
    config,
  });
  return { res: await answer(req), store };
}

describe('compat formats of the deployment', () => {
  test.each(REQUESTS)(
    '%s disabled: %s answers 404 with the error shape, stores nothing',
    async (format, path, request) => {
      const { res, store } = await send(only(null), request());
      expectErrorBody(res, 404, 'not_found');
      expect((res.body as { error: { message: string } }).error.message).toBe(
        `This deployment does not accept ${format} reports (${path}).`,
      );
      expect(store.events.size).toBe(0);
    },
  );

  test.each(REQUESTS)('%s enabled alone: %s answers %s', async (format, _path, request, status) => {
    const { res } = await send(only(format), request());
    expect(res.statusCode, JSON.stringify(res.body)).toBe(status);
  });

  test('the canonical API answers whatever compat formats are enabled', async () => {
    const { res, store } = await send(
      only(null),
      jsonRequest('/v1/events', { schema: 1, installId: 'x-1', type: 'heartbeat' }),
    );
    expect(res.statusCode).toBe(202);
    expect(store.events.size).toBe(1);
  });

  test('the OpenAPI document lists the enabled compat endpoints only, and names the site', () => {
    const paths = (config: ReturnType<typeof only>) =>
      Object.keys((buildOpenApi(config) as { paths: Record<string, unknown> }).paths).filter((p) =>
        p.startsWith('/compat/'),
      );
    expect(paths(only(null))).toEqual([]);
    expect(paths(only('librenms'))).toEqual([
      '/compat/librenms/log.php',
      '/compat/librenms/clear.php',
    ]);
    expect(paths(deploymentConfig)).toHaveLength(4);
    const doc = buildOpenApi({
      ...deploymentConfig,
      siteUrl: 'https://stats.x.example',
      productName: 'X',
    }) as {
      servers: { url: string }[];
      info: { title: string };
    };
    expect(doc.servers).toEqual([{ url: 'https://stats.x.example' }]);
    expect(doc.info.title).toBe('X statistics (homecall)');
  });
});
