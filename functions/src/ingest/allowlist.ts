/** Keeps only the attribute keys and kinds the deployment's config allows. */
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { AttributeValue } from '../../../shared/schema/event.ts';

/** Splits attributes into those the config allows and the dropped keys. */
export function filterAttributes(
  attributes: Record<string, AttributeValue> | undefined,
  config: DeploymentConfig,
): { kept: Record<string, AttributeValue> | undefined; dropped: string[] } {
  if (!attributes) return { kept: undefined, dropped: [] };
  const kept: Record<string, AttributeValue> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const spec = Object.hasOwn(config.attributes, key) ? config.attributes[key] : undefined;
    if (spec && typeof value === spec.kind) kept[key] = value;
    else dropped.push(key);
  }
  return { kept: Object.keys(kept).length > 0 ? kept : undefined, dropped };
}
