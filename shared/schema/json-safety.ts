/**
 * The one JSON-safety walk: every parsed body (and LibreNMS's `data` JSON inside its form) goes
 * through it before anything reads it. It finds nesting deeper than a limit and keys that could
 * pollute prototypes; each caller words the refusal for its own answer. Zod-free.
 */

/** Keys that could pollute prototypes; no body may use them, at any depth. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** What makes a JSON value unsafe, and where: the first finding of the walk. */
export type UnsafeJson =
  | { problem: 'depth'; path: (string | number)[] }
  | { problem: 'key'; key: string; path: (string | number)[] };

/**
 * The first place where `root` nests deeper than `maxDepth` or uses a forbidden key, or undefined
 * when it is safe. Iterative, so a hostile body cannot overflow the stack; nodes link to their
 * parent and a path is only spelled out for a finding, since the walk runs on every request.
 */
export function findUnsafeJson(root: unknown, maxDepth: number): UnsafeJson | undefined {
  interface Node {
    value: unknown;
    depth: number;
    key: string | number | undefined;
    parent: Node | undefined;
  }
  const pathOf = (node: Node | undefined): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let n = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
    return path;
  };
  const stack: Node[] = [{ value: root, depth: 0, key: undefined, parent: undefined }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value, depth } = node;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { problem: 'depth', path: pathOf(node) };
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => {
        stack.push({ value: item, depth: depth + 1, key: i, parent: node });
      });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return { problem: 'key', key, path: [...pathOf(node), key] };
      stack.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        key,
        parent: node,
      });
    }
  }
  return undefined;
}
