/**
 * The functions' one deploy-time parameter: the HMAC secret, from Secret Manager. Everything else
 * a deployment decides is in homecall.config.ts (read through shared/config.ts) and compiled into
 * the bundle, so the functions, the site and `npm run aggregate` cannot disagree.
 */
import { defineSecret } from 'firebase-functions/params';

/** The HMAC key that turns install ids into pseudonyms (Secret Manager). */
export const installIdSecret = defineSecret('INSTALL_ID_SECRET');
