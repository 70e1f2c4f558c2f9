/** LibreNMS's daily statistics (`log.php`) and "clear remote stats" (`clear.php`), form-encoded. */
import { z } from 'zod';
import { MAX_BODY_BYTES } from '../../../shared/schema/limits.ts';
import {
  libreNmsClearSchema,
  libreNmsStatsSchema,
  mapLibreNmsClear,
  mapLibreNmsLog,
} from '../compat/librenms.ts';
import { formOf, wireFormat } from './wire-format.ts';

/** The form of `log.php`: the statistics as JSON in its `data` field. */
const libreNmsFormSchema = z
  .strictObject({
    data: z
      .string()
      .max(MAX_BODY_BYTES)
      .describe('The LibreNMS statistics as JSON; see librenms-stats.schema.json.'),
  })
  .describe('LibreNMS daily statistics, form-encoded.');

/** `POST /compat/librenms/log.php`: one report a day per install. */
export const libreNmsLog = wireFormat({
  path: '/compat/librenms/log.php',
  format: 'librenms',
  client: 'LibreNMS statistics and “clear remote stats”',
  source: 'librenms',
  accepts: ['form'],
  intake: (body, config) => ({
    kind: 'events',
    result: mapLibreNmsLog(formOf(body), config.attributes),
  }),
  reply: { status: 200, body: 'accepted' },
  docs: {
    summary: 'LibreNMS daily statistics.',
    request: libreNmsFormSchema,
    schemas: { 'librenms-stats.schema.json': libreNmsStatsSchema },
  },
});

/** `POST /compat/librenms/clear.php`: erase the install. */
export const libreNmsClear = wireFormat({
  path: '/compat/librenms/clear.php',
  format: 'librenms',
  client: 'LibreNMS statistics and “clear remote stats”',
  accepts: ['form'],
  intake: (body) => {
    const form = formOf(body);
    // An install that never submitted sends an empty clear: there is nothing to erase, and the
    // original collector answers 200 (LibreNMS resends the clear until it gets a 2xx).
    if (form.size === 0) return { kind: 'nothing' };
    const parsed = mapLibreNmsClear(form);
    return parsed.ok
      ? { kind: 'erase', installId: parsed.installId }
      : { kind: 'invalid', message: parsed.message, issues: parsed.issues };
  },
  reply: { status: 200, body: 'erased' },
  docs: {
    summary:
      'LibreNMS "clear remote stats": erase the install. An empty body (an install that never submitted) erases nothing and answers 200.',
    request: libreNmsClearSchema,
    schemas: { 'librenms-clear.schema.json': libreNmsClearSchema },
  },
});
