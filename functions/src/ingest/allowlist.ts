/** Keeps only the attribute keys, kinds and (for strings) shapes the deployment's config allows. */
import type { DeploymentConfig } from '../../../shared/config.ts';
import type { AttributeValue } from '../../../shared/schema/event.ts';
import { attributeShape, fitsShape } from '../../../shared/schema/shapes.ts';

/** Splits attributes into those the config allows and the dropped keys. */
export function filterAttributes(
  attributes: Record<string, AttributeValue> | undefined,
  config: DeploymentConfig,
): { kept: Record<string, AttributeValue> | undefined; dropped: string[] } {
  if (!attributes) return { kept: undefined, dropped: [] };
  const kept: Record<string, AttributeValue> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    // Stryker disable next-line ConditionalExpression: equivalent; no inherited property has a `kind`, so the kind check drops such keys too
    const spec = Object.hasOwn(config.attributes, key) ? config.attributes[key] : undefined;
    const fits =
      spec !== undefined &&
      typeof value === spec.kind &&
      (typeof value !== 'string' || fitsShape(attributeShape(key, spec.shape), value));
    if (fits) kept[key] = value;
    else dropped.push(key);
  }
  return { kept: Object.keys(kept).length > 0 ? kept : undefined, dropped };
}
