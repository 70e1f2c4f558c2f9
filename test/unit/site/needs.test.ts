// What each page asks the stats API for: derived from the recipes of its charts and tables, in
// canonical URLs (so every visitor asks the same ones and the CDN answers them).
import { describe, expect, test } from 'vitest';
import type { FigureSpec } from '../../../site/src/lib/figures.ts';
import { figureNeeds, pageRequests, tableNeeds } from '../../../site/src/lib/needs.ts';

const figures = (...specs: FigureSpec[]) => specs.map(figureNeeds);

describe('pageRequests', () => {
  test('Overview: one request for the scalar fields of the range', () => {
    const needs = [
      ...figures(
        { kind: 'metrics', metrics: ['activeD1', 'activeD7', 'activeD28'], chart: 'line' },
        { kind: 'metrics', metrics: ['newInstalls'], chart: 'bar' },
        { kind: 'events' },
        { kind: 'metrics', metrics: ['optOuts'], chart: 'bar' },
      ),
      { range: ['activeInstalls', 'newInstalls'], reference: [] },
    ];
    expect(pageRequests(needs, '90d')).toEqual({
      days: ['/api/v1/days?range=90d&fields=activeInstalls,anomaly,events,newInstalls,optOuts,run'],
    });
  });

  test('Versions: the trend folded to its top, the distributions from the latest day', () => {
    const needs = [
      ...figures(
        { kind: 'trend', breakdown: 'version', top: 5 },
        { kind: 'distribution', breakdown: 'version' },
        { kind: 'distribution', breakdown: 'channel' },
      ),
      tableNeeds({ kind: 'upgrades' }),
    ];
    expect(pageRequests(needs, '1y')).toEqual({
      days: ['/api/v1/days?range=1y&fields=anomaly,breakdowns.version,run,upgrades&top=5'],
      latest: '/api/v1/latest?fields=activeInstalls,anomaly,breakdowns.channel,breakdowns.version',
    });
  });

  test('Reliability: the crash-free versions folded, failures whole, in one request', () => {
    const needs = [
      ...figures({ kind: 'crash-free', top: 5 }, { kind: 'install-failures' }),
      tableNeeds({ kind: 'failures' }),
    ];
    expect(pageRequests(needs, 'all')).toEqual({
      days: [
        '/api/v1/days?range=all&fields=anomaly,reliability.installFailures,reliability.topFailures,reliability.versions,run&top=5',
      ],
    });
  });

  test('Reliability: failed installs of installs not established come from their own series', () => {
    const needs = figures(
      { kind: 'crash-free', top: 5 },
      { kind: 'install-failures', series: 'not-established' },
    );
    expect(pageRequests(needs, '90d')).toEqual({
      days: [
        '/api/v1/days?range=90d&fields=anomaly,reliability.versions,run,unestablishedInstallFailures&top=5',
      ],
    });
  });

  test('a field wanted folded to two different tops, or whole, is asked for whole', () => {
    const needs = figures(
      { kind: 'trend', breakdown: 'version', top: 5 },
      { kind: 'trend', breakdown: 'version', top: 8 },
      { kind: 'trend', breakdown: 'os', top: 3 },
    );
    expect(pageRequests(needs, '30d')).toEqual({
      days: [
        '/api/v1/days?range=30d&fields=anomaly,breakdowns.version,run',
        '/api/v1/days?range=30d&fields=breakdowns.os&top=3',
      ],
    });
  });

  test('a page without recipes still asks for how current the days are and which are flagged', () => {
    expect(pageRequests([], '30d')).toEqual({
      days: ['/api/v1/days?range=30d&fields=anomaly,run'],
    });
  });
});
