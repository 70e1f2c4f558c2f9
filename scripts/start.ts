/**
 * `npm start`: the whole of homecall locally on the embedded default. Prints the URLs and a
 * curl example; Ctrl-C stops every process it started. `npm start -- --no-demo` starts empty.
 */
import { parseArgs } from 'node:util';
import { AGGREGATE_URL, startStack } from './lib/stack.ts';

const { values } = parseArgs({
  options: { 'no-demo': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } },
});
const started = Date.now();
const log = (line: string) => console.log(`homecall: ${line}`);

let stack;
try {
  stack = await startStack({
    demo: !values['no-demo'],
    firestorePort: 8080,
    log,
    onEmulatorOutput: (line) => {
      if (values.verbose || /error|⚠|✘/i.test(line)) console.log(`  [firebase] ${line}`);
    },
  });
} catch (error) {
  console.error(
    `homecall: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  if (error instanceof Error && /EADDRINUSE|address already in use/i.test(error.message)) {
    console.error('homecall: a port is taken; is another `npm start` running?');
  }
  process.exit(1);
}
const url = stack.hostingUrl;
const timings = Object.entries(stack.timings)
  .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
  .join(', ');
console.log(`
homecall is running (started in ${((Date.now() - started) / 1000).toFixed(1)} s: ${timings})

  Stats site      ${url}/
  Ingest API      ${url}/v1/events   (also /v1/erase, /compat/...)
  Stats API       ${url}/api/v1/days
  OpenAPI         ${url}/v1/openapi.json
  Firestore       ${stack.firestoreHost} (emulator, project demo-homecall)

Send an event:
  curl -i -X POST ${url}/v1/events -H 'content-type: application/json' \\
    -d '{"schema":1,"installId":"my-test-install","type":"heartbeat","product":{"version":"1.6.0"}}'
Then aggregate and look:
  npm run aggregate && curl -s ${url}/api/v1/days
or run the scheduled aggregation through the emulated Cloud Tasks fan-out:
  curl -X POST ${AGGREGATE_URL}

Press Ctrl-C to stop.`);

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  await stack.stop();
  log('stopped');
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
void stack.exited.then((code) => {
  if (!stopping) {
    console.error(`homecall: firebase emulators exited (code ${code}); stopping`);
    void shutdown(code || 1);
  }
});
