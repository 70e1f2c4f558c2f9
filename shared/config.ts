/**
 * The deployment's configuration, validated: homecall.config.ts at the repository root is the
 * one file a maintainer edits; everything (functions, aggregation, site, docs, scripts) imports
 * it through here. Importing this module with an invalid file throws a ConfigError naming each
 * bad field, which is what stops the build, `npm start`, the deploy and the functions' startup.
 */
import rawConfig from '../homecall.config.ts';
import { parseDeploymentConfig, type DeploymentConfig } from './config-schema.ts';

export {
  COMPAT_FORMATS,
  ConfigError,
  MIN_K_ANONYMITY,
  parseDeploymentConfig,
  type AttributeKind,
  type AttributeSpec,
  type CompatFormat,
  type CounterGroupSpec,
  type DeploymentConfig,
  type DeploymentConfigInput,
  type PrivacyConfig,
} from './config-schema.ts';

/** The configuration this repository deploys (homecall.config.ts, validated). */
export const deploymentConfig: DeploymentConfig = parseDeploymentConfig(rawConfig);
