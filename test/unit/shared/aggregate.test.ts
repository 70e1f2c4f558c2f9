// The published day's vocabulary (shared/aggregate.ts): the breakdown names the API and the site
// use, the figures an anomaly flag may name, and the parameters each day is stamped with.
import { describe, expect, test } from 'vitest';
import {
  ANOMALY_FIGURES,
  BREAKDOWNS,
  OTHER,
  UNKNOWN,
  publicationOf,
} from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';

describe('the published day', () => {
  test('breakdown names and anomaly figures as the API documents them', () => {
    expect(BREAKDOWNS).toEqual([
      'version',
      'channel',
      'installMethod',
      'os',
      'osVersion',
      'kernel',
      'arch',
      'virtualization',
      'container',
      'module',
    ]);
    expect(ANOMALY_FIGURES).toEqual(['newInstalls', 'newlyEstablished', 'activeInstalls.d1']);
    expect([OTHER, UNKNOWN]).toEqual(['other', 'unknown']);
  });

  test('each day is stamped with the k, retention, late window and established days it was computed with', () => {
    const config = {
      ...deploymentConfig,
      kAnonymity: 7,
      eventRetentionDays: 60,
      installRetentionDays: 120,
      lateArrivalHours: 30,
      screening: { ...deploymentConfig.screening, establishedDays: 4 },
    };
    expect(publicationOf(config)).toStrictEqual({
      kAnonymity: 7,
      eventRetentionDays: 60,
      installRetentionDays: 120,
      lateArrivalHours: 30,
      establishedDays: 4,
    });
  });
});
