/**
 * The record a site build leaves beside its output (`site/dist/.homecall-build.json`, never
 * uploaded: hosting ignores dot files): which snapshot and which configuration the pages were
 * rendered from. The hosting predeploy reads it to refuse a demo, stale or foreign build.
 */
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { Day } from '../../../shared/dates.ts';
import type { Snapshot } from './snapshot.ts';

/** File name of the record inside the build output. */
export const BUILD_MANIFEST = '.homecall-build.json';

/** What a site build was made from. */
export interface SiteBuildManifest {
  builtAt: string;
  /** The validated configuration the pages were rendered with. */
  config: DeploymentConfig;
  snapshot: {
    /** The snapshot file read, or null when there was none (the pages then say "no data yet"). */
    file: string | null;
    generatedAt: string | null;
    project: string | null;
    source: Snapshot['source'];
    days: number;
    firstDay: Day | null;
    lastDay: Day | null;
    /** Days marked as the simulated demo fleet of a local run. */
    demoDays: Day[];
  };
}

/** The record of a build from `snapshot` (read from `file`, if it existed) with `config`. */
export function buildManifest(
  snapshot: Snapshot,
  file: string | null,
  config: DeploymentConfig,
  now: number,
): SiteBuildManifest {
  return {
    builtAt: new Date(now).toISOString(),
    config,
    snapshot: {
      file,
      generatedAt: snapshot.generatedAt,
      project: snapshot.project,
      source: snapshot.source,
      days: snapshot.days.length,
      firstDay: snapshot.days[0]?.day ?? null,
      lastDay: snapshot.days.at(-1)?.day ?? null,
      demoDays: snapshot.days.filter((d) => d.demo === true).map((d) => d.day),
    },
  };
}
