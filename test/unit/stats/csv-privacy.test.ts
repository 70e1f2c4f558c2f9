// The CSV carries the differential-privacy parameters each day was published with, smoothing included.
import { describe, expect, test } from 'vitest';
import type { DayAggregate } from '../../../shared/aggregate.ts';
import { deploymentConfig } from '../../../shared/config.ts';
import { planFor, privacyParameters } from '../../../functions/src/privacy/publication/publish.ts';
import { daysToCsv } from '../../../functions/src/stats/csv.ts';
import { emptySections } from '../../support/day-fixture.ts';
import { configWith } from '../../support/publication.ts';

function day(date: string, privacy?: DayAggregate['privacy']): DayAggregate {
  return {
    day: date,
    final: true,
    activeInstalls: { d1: 3, d7: 4, d28: 5 },
    newInstalls: 1,
    optOuts: 0,
    events: { heartbeat: 3 },
    ...emptySections(),
    ...(privacy ? { privacy } : {}),
    run: { computedAt: '2026-01-01T00:00:00.000Z', documentsRead: 0, documentsWritten: 0 },
  };
}

describe('CSV', () => {
  test('a day published with differential privacy states ε and δ; an earlier one leaves them empty', () => {
    const privacy = privacyParameters(planFor(deploymentConfig));
    const [header = '', before = '', after = ''] = daysToCsv([
      day('2026-01-01'),
      day('2026-01-02', privacy),
    ]).split('\r\n');
    const columns = header.split(',');
    const cell = (row: string, name: string) => row.split(',')[columns.indexOf(name)];
    expect(columns).toContain('privacy_epsilon');
    expect(cell(before, 'privacy_epsilon')).toBe('');
    expect(cell(before, 'privacy_delta')).toBe('');
    expect(Number(cell(after, 'privacy_epsilon'))).toBe(deploymentConfig.privacy.epsilon);
    expect(Number(cell(after, 'privacy_delta'))).toBe(deploymentConfig.privacy.delta);
    expect(Number(cell(after, 'privacy_smoothing_alpha'))).toBe(
      deploymentConfig.privacy.smoothingAlpha,
    );
    expect(cell(before, 'privacy_smoothing_alpha')).toBe('');
    // Not smoothed (no day before to blend with): no day named.
    expect(cell(after, 'privacy_smoothed_with')).toBe('');
  });

  test('a day whose window figures were smoothed names the day; smoothing off states no α', () => {
    const privacy = privacyParameters(planFor(deploymentConfig));
    const off = privacyParameters(planFor(configWith({ smoothingAlpha: false })));
    const [header = '', smoothed = '', fresh = ''] = daysToCsv([
      day('2026-01-02', { ...privacy, smoothingAlpha: 0.5, smoothedWith: '2026-01-01' }),
      day('2026-01-03', off),
    ]).split('\r\n');
    const columns = header.split(',');
    const cell = (row: string, name: string) => row.split(',')[columns.indexOf(name)];
    expect(cell(smoothed, 'privacy_smoothing_alpha')).toBe('0.5');
    expect(cell(smoothed, 'privacy_smoothed_with')).toBe('2026-01-01');
    expect(cell(fresh, 'privacy_smoothing_alpha')).toBe('');
    expect(cell(fresh, 'privacy_smoothed_with')).toBe('');
  });
});
