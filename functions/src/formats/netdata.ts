/** `POST /compat/netdata`: the bodies of Netdata's agent and installer, unchanged. */
import { mapNetdataBody, netdataBodySchema } from '../compat/netdata.ts';
import { repairNetdataJson } from '../compat/netdata-json.ts';
import { wireFormat } from './wire-format.ts';

/** Netdata's agent (`anonymous-statistics.sh`) and installer (`kickstart.sh`). */
export const netdata = wireFormat({
  path: '/compat/netdata',
  format: 'netdata',
  client: 'Netdata agent and installer',
  source: 'netdata',
  accepts: ['json'],
  // About one in six bodies of Netdata's scripts is not JSON in two known ways: repair those.
  read: { repairJson: repairNetdataJson },
  intake: (body, config) => ({
    kind: 'events',
    result: mapNetdataBody(body.value, config.attributes),
    content: body.value,
  }),
  reply: { status: 200, body: 'accepted' },
  docs: {
    summary:
      "Netdata agent and installer events, as Netdata's scripts send them, including their two known defects (an empty unquoted value, a raw line break in a string), which are repaired.",
    request: netdataBodySchema,
    schemas: { 'netdata-body.schema.json': netdataBodySchema },
  },
});
