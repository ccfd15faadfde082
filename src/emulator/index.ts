/** Public API of the Hadoop Eco emulator. The CLI entry point is `main.ts`. */
export {
  ClusterSettingsSchema,
  CredentialsSchema,
  DEFAULT_CLUSTER_ID,
  DEFAULT_STATUSES,
  DEPLOY_MODES,
  EmulatorClusterSchema,
  EmulatorOptionsSchema,
  FaultSchema,
  JOB_TYPES,
  RUN_RESULTS,
  RunAdvanceSchema,
  RunScriptSchema,
  SETTING_RANGES,
  formatZodIssues,
  loadEmulatorConfigFile,
  resolveEmulatorOptions,
} from './config';
export type {
  ClusterSettings,
  ClusterSettingsInput,
  Credentials,
  EmulatorCluster,
  EmulatorClusterInput,
  EmulatorOptions,
  EmulatorOptionsInput,
  Fault,
  FaultInput,
  FaultMatch,
  IntegerSettingName,
  RunAdvance,
  RunScript,
  RunScriptInput,
} from './config';
export { createEmulator } from './server';
export type { Emulator, LaunchRecord, RequestLogEntry } from './server';
