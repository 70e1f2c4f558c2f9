/** `POST /compat/cleaninsights.php`: Clean Insights measurements, as OpenWISP sends them. */
import { cleanInsightsBodySchema, mapCleanInsightsBody } from '../compat/cleaninsights.ts';
import { wireFormat } from './wire-format.ts';

/** OpenWISP's `openwisp_utils.metric_collection`; its client treats anything but 204 as failure. */
export const cleanInsights = wireFormat({
  path: '/compat/cleaninsights.php',
  format: 'cleaninsights',
  client: 'Clean Insights, as OpenWISP sends it',
  source: 'cleaninsights',
  accepts: ['json'],
  intake: (body, config) => ({
    kind: 'events',
    result: mapCleanInsightsBody(body.value, config.attributes),
    content: body.value,
  }),
  reply: { status: 204, body: 'none' },
  docs: {
    summary: 'Clean Insights (OpenWISP) measurements; one request is one install-day.',
    request: cleanInsightsBodySchema,
    schemas: { 'cleaninsights-body.schema.json': cleanInsightsBodySchema },
  },
});
