/**
 * The values a published aggregate writes in place of reported ones. Zod-free, so the functions,
 * the stats API's query code and the site's browser script all read them from here.
 */

/** The bucket that holds every value backed by fewer than k installs. */
export const OTHER = 'other';
/** The bucket of installs that did not report the value. */
export const UNKNOWN = 'unknown';
