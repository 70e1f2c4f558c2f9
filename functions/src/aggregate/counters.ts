/** LibreNMS-style counters: how a reported `<group>.<value>` key is read. */

/** Splits `group.value` the way counters have always been read. */
export function splitCounterKey(key: string): [group: string, value: string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
}
