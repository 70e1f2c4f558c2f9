/** Progress of long work: a bar with ETA on a terminal, plain lines in CI and pipes. */

/** Reports `done` of `total` steps with a label. */
export type Progress = (done: number, total: number, label: string) => void;

/** A progress reporter suited to where output goes. */
export function createProgress(
  title: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = Date.now();
  const interactive = stream.isTTY && !process.env.CI;
  return (done, total, label) => {
    const elapsed = (Date.now() - started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
    if (!interactive) {
      stream.write(
        `${title}: ${done}/${total} ${label} (${elapsed.toFixed(1)} s, eta ${eta.toFixed(0)} s)\n`,
      );
      return;
    }
    const width = 30;
    const filled = Math.round((done / total) * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    stream.write(`\r${title} [${bar}] ${done}/${total} ${label} eta ${eta.toFixed(0)} s `);
    if (done === total) stream.write('\n');
  };
}
