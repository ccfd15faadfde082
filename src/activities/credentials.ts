import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HadoopEcoCredentials } from '../hadoop-eco';

/**
 * Credentials live only in the worker: in environment variables and/or a
 * JSON file. Workflow input names at most a profile, never a secret.
 */

/** Name of the profile that environment variables fill and that runs use when they name none. */
export const DEFAULT_PROFILE = 'default';

const ProfileSchema = z
  .object({
    accessKeyId: z.string().min(1).optional(),
    accessKeySecret: z.string().min(1).optional(),
    /** Open API key per cluster ID. */
    openApiKeys: z.record(z.string().min(1)).optional(),
    /** Open API key for clusters that `openApiKeys` does not list. */
    defaultOpenApiKey: z.string().min(1).optional(),
  })
  .strict();

const CredentialsFileSchema = ProfileSchema.extend({
  profiles: z.record(ProfileSchema).optional(),
}).strict();

type Profile = z.infer<typeof ProfileSchema>;

/** Missing credentials. The message names what to set and never contains a value. */
export class CredentialsMissingError extends Error {
  override readonly name = 'CredentialsMissingError';
}

/** Resolves the access key and the cluster's Open API key for a run. */
export interface CredentialProvider {
  resolve(clusterId: string, profile?: string): HadoopEcoCredentials;
  /** Every secret the provider holds, so that logs and errors can be redacted. */
  secrets(): string[];
}

/** A provider over profiles loaded from the environment and an optional file. */
export class StaticCredentialProvider implements CredentialProvider {
  constructor(private readonly profiles: Record<string, Profile>) {}

  resolve(clusterId: string, profileName: string = DEFAULT_PROFILE): HadoopEcoCredentials {
    const profile = this.profiles[profileName];
    if (!profile) {
      throw new CredentialsMissingError(
        `credential profile "${profileName}" is not configured on this worker; known profiles: ${Object.keys(this.profiles).join(', ') || '(none)'}`,
      );
    }

    const missing: string[] = [];
    if (!profile.accessKeyId) missing.push(profileName === DEFAULT_PROFILE ? 'HADOOP_ECO_ACCESS_KEY_ID' : `profiles.${profileName}.accessKeyId`);
    if (!profile.accessKeySecret) missing.push(profileName === DEFAULT_PROFILE ? 'HADOOP_ECO_ACCESS_KEY_SECRET' : `profiles.${profileName}.accessKeySecret`);
    const openApiKey = profile.openApiKeys?.[clusterId] ?? profile.defaultOpenApiKey;
    if (!openApiKey) {
      missing.push(
        profileName === DEFAULT_PROFILE
          ? `an Open API key for cluster ${clusterId} (HADOOP_ECO_OPEN_API_KEYS=${clusterId}=<key>)`
          : `profiles.${profileName}.openApiKeys["${clusterId}"]`,
      );
    }
    if (missing.length > 0 || !profile.accessKeyId || !profile.accessKeySecret || !openApiKey) {
      throw new CredentialsMissingError(`missing credentials on the worker for profile "${profileName}": set ${missing.join(', ')}`);
    }

    return { accessKeyId: profile.accessKeyId, accessKeySecret: profile.accessKeySecret, openApiKey };
  }

  secrets(): string[] {
    return Object.values(this.profiles).flatMap((profile) => [
      ...[profile.accessKeyId, profile.accessKeySecret, profile.defaultOpenApiKey].filter((value): value is string => !!value),
      ...Object.values(profile.openApiKeys ?? {}),
    ]);
  }

  profileNames(): string[] {
    return Object.keys(this.profiles);
  }
}

/**
 * Parses `clusterId=key` pairs separated by commas or whitespace. Throws a
 * TypeError that names the position of a bad pair but not its value.
 */
export function parseOpenApiKeys(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  text
    .split(/[\s,]+/)
    .filter(Boolean)
    .forEach((pair, index) => {
      const separator = pair.indexOf('=');
      if (separator <= 0 || separator === pair.length - 1) {
        throw new TypeError(`HADOOP_ECO_OPEN_API_KEYS: entry ${index + 1} is not clusterId=key`);
      }
      keys[pair.slice(0, separator)] = pair.slice(separator + 1);
    });
  return keys;
}

/**
 * Builds the provider from `HADOOP_ECO_CREDENTIALS_FILE` (if set) and the
 * `HADOOP_ECO_*` variables, which override the file's default profile.
 * Throws on a missing or malformed file, without echoing its content.
 */
export function loadCredentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): StaticCredentialProvider {
  const profiles: Record<string, Profile> = {};
  const file = env.HADOOP_ECO_CREDENTIALS_FILE;
  if (file) {
    const parsed = readCredentialsFile(file);
    const { profiles: named, ...defaultProfile } = parsed;
    Object.assign(profiles, named);
    profiles[DEFAULT_PROFILE] = defaultProfile;
  }

  const fromEnv: Profile = {
    accessKeyId: env.HADOOP_ECO_ACCESS_KEY_ID || undefined,
    accessKeySecret: env.HADOOP_ECO_ACCESS_KEY_SECRET || undefined,
    defaultOpenApiKey: env.HADOOP_ECO_OPEN_API_KEY || undefined,
    openApiKeys: env.HADOOP_ECO_OPEN_API_KEYS ? parseOpenApiKeys(env.HADOOP_ECO_OPEN_API_KEYS) : undefined,
  };
  const base = profiles[DEFAULT_PROFILE] ?? {};
  profiles[DEFAULT_PROFILE] = {
    accessKeyId: fromEnv.accessKeyId ?? base.accessKeyId,
    accessKeySecret: fromEnv.accessKeySecret ?? base.accessKeySecret,
    defaultOpenApiKey: fromEnv.defaultOpenApiKey ?? base.defaultOpenApiKey,
    openApiKeys: { ...base.openApiKeys, ...fromEnv.openApiKeys },
  };
  return new StaticCredentialProvider(profiles);
}

function readCredentialsFile(path: string): z.infer<typeof CredentialsFileSchema> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read HADOOP_ECO_CREDENTIALS_FILE ${path}: ${(error as Error).message}`);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`HADOOP_ECO_CREDENTIALS_FILE ${path} is not valid JSON`);
  }

  const parsed = CredentialsFileSchema.safeParse(json);
  if (!parsed.success) {
    // Name the fields only: the values are secrets.
    const fields = parsed.error.issues.flatMap((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${path ? `${path}.` : ''}${key} (unknown field)`);
      return [path || '(top level)'];
    });
    throw new Error(`HADOOP_ECO_CREDENTIALS_FILE ${path} is invalid at: ${[...new Set(fields)].join(', ')}`);
  }
  return parsed.data;
}
