/**
 * Deployment settings as firebase-functions params: set them in functions/.env (see
 * functions/.env.example) or answer the CLI's prompt at deploy time. Values are read at run time,
 * never while the CLI discovers the functions.
 */
import { defineInt, defineSecret, defineString } from 'firebase-functions/params';
import { deploymentConfig, type DeploymentConfig } from '../../shared/config.ts';

/** The HMAC key that turns install ids into pseudonyms (Secret Manager). */
export const installIdSecret = defineSecret('INSTALL_ID_SECRET');

/** Region of every function; firebase.json's hosting rewrites must name the same one. */
export const region = defineString('REGION', { default: 'us-central1' });
/** Cost cap: the most instances of one function. */
export const maxInstances = defineInt('MAX_INSTANCES', { default: 20 });
export const kAnonymity = defineInt('K_ANONYMITY', { default: deploymentConfig.kAnonymity });
export const eventRetentionDays = defineInt('EVENT_RETENTION_DAYS', {
  default: deploymentConfig.eventRetentionDays,
});
/** Events one aggregation shard is sized for: sets how many shard tasks share a day. */
export const eventsPerShard = defineInt('AGGREGATE_EVENTS_PER_SHARD', { default: 1_000_000 });
/** Shard tasks running at once (the task queue's concurrent dispatches). */
export const shardParallelism = defineInt('AGGREGATE_SHARD_PARALLELISM', { default: 8 });
export const siteUrl = defineString('SITE_URL', { default: deploymentConfig.baseUrl });

/** The repository's config with the deployment's params applied. */
export function runtimeConfig(): DeploymentConfig {
  return {
    ...deploymentConfig,
    kAnonymity: kAnonymity.value(),
    eventRetentionDays: eventRetentionDays.value(),
    baseUrl: siteUrl.value(),
  };
}
