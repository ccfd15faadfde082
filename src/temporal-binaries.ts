import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/**
 * Finds the Temporal servers that the demo and the tests start: first an
 * environment variable, then `PATH`, and only then the SDK's own download,
 * which needs internet access.
 */

/** Finds the `temporal` CLI, whose `server start-dev` runs the dev server with its Web UI. */
export function devServerExecutable(env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  return findExecutable('TEMPORAL_CLI_PATH', 'temporal', env);
}

/** Finds the time-skipping test server (`temporal-test-server`, from the Java SDK). */
export function timeSkippingServerExecutable(env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  return findExecutable('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', env);
}

/** Describes an executable choice for logs, for example `/usr/local/bin/temporal`. */
export function describeExecutable(executable: EphemeralServerExecutable): string {
  return executable.type === 'existing-path' ? executable.path : 'the SDK download (needs internet access)';
}

function findExecutable(variable: string, name: string, env: NodeJS.ProcessEnv): EphemeralServerExecutable {
  const configured = env[variable];
  if (configured) {
    const path = resolve(configured);
    if (!isExecutableFile(path)) {
      throw new Error(`${variable}=${configured} is not an executable file; fix the path or unset ${variable}`);
    }
    return { type: 'existing-path', path };
  }

  for (const directory of (env.PATH ?? '').split(delimiter)) {
    if (!directory || !isAbsolute(directory)) continue;
    const candidate = join(directory, name);
    if (isExecutableFile(candidate)) return { type: 'existing-path', path: candidate };
  }
  return { type: 'cached-download' };
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
