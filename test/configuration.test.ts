import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialsMissingError, loadCredentialsFromEnvironment } from '../src/activities';
import { parseOpenApiKeys } from '../src/activities/credentials';
import { detectLocale } from '../src/cli-messages';
import { EndpointRegistry, parseEndpointList, REGION_BASE_URLS } from '../src/hadoop-eco';
import { devServerExecutable, timeSkippingServerExecutable } from '../src/temporal-binaries';
import { readWorkerEnvironment } from '../src/worker';

function tempFile(name: string, content: string, mode = 0o644): string {
  const path = join(mkdtempSync(join(tmpdir(), 'config-test-')), name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe('credentials on the worker', () => {
  test('environment variables fill the default profile', () => {
    const provider = loadCredentialsFromEnvironment({
      HADOOP_ECO_ACCESS_KEY_ID: 'id-1',
      HADOOP_ECO_ACCESS_KEY_SECRET: 'secret-1',
      HADOOP_ECO_OPEN_API_KEYS: 'cluster-a=key-a, cluster-b=key-b',
    });
    expect(provider.resolve('cluster-b')).toEqual({ accessKeyId: 'id-1', accessKeySecret: 'secret-1', openApiKey: 'key-b' });
  });

  test('the file supplies profiles and the environment overrides its default profile', () => {
    const file = tempFile(
      'credentials.json',
      JSON.stringify({
        accessKeyId: 'file-id',
        accessKeySecret: 'file-secret',
        defaultOpenApiKey: 'file-any-cluster-key',
        profiles: { analytics: { accessKeyId: 'team-id', accessKeySecret: 'team-secret', openApiKeys: { 'cluster-a': 'team-key' } } },
      }),
    );
    const provider = loadCredentialsFromEnvironment({ HADOOP_ECO_CREDENTIALS_FILE: file, HADOOP_ECO_ACCESS_KEY_SECRET: 'env-secret' });

    expect(provider.resolve('cluster-x')).toEqual({ accessKeyId: 'file-id', accessKeySecret: 'env-secret', openApiKey: 'file-any-cluster-key' });
    expect(provider.resolve('cluster-a', 'analytics')).toEqual({ accessKeyId: 'team-id', accessKeySecret: 'team-secret', openApiKey: 'team-key' });
    expect(provider.secrets()).toEqual(expect.arrayContaining(['file-id', 'env-secret', 'team-secret', 'team-key', 'file-any-cluster-key']));
  });

  test('missing values are named without any secret', () => {
    const provider = loadCredentialsFromEnvironment({ HADOOP_ECO_ACCESS_KEY_SECRET: 'only-secret' });
    let error: unknown;
    try {
      provider.resolve('cluster-a');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CredentialsMissingError);
    expect((error as Error).message).toContain('HADOOP_ECO_ACCESS_KEY_ID');
    expect((error as Error).message).toContain('HADOOP_ECO_OPEN_API_KEYS=cluster-a=<key>');
    expect((error as Error).message).not.toContain('only-secret');
  });

  test('an unknown profile lists the known ones', () => {
    const provider = loadCredentialsFromEnvironment({});
    expect(() => provider.resolve('cluster-a', 'nightly')).toThrow('credential profile "nightly" is not configured on this worker; known profiles: default');
  });

  test('a malformed file names the bad field, not its value', () => {
    const file = tempFile('credentials.json', JSON.stringify({ accessKeyId: 'id', accessKeySecret: 12345678, extra: 'x' }));
    expect(() => loadCredentialsFromEnvironment({ HADOOP_ECO_CREDENTIALS_FILE: file })).toThrow(/invalid at: (accessKeySecret, extra \(unknown field\)|extra \(unknown field\), accessKeySecret)$/);
  });

  test('a file that is not JSON is rejected without echoing it', () => {
    const file = tempFile('credentials.json', 'accessKeySecret=hunter2');
    let message = '';
    try {
      loadCredentialsFromEnvironment({ HADOOP_ECO_CREDENTIALS_FILE: file });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('is not valid JSON');
    expect(message).not.toContain('hunter2');
  });

  test.each(['cluster-a', '=key', 'cluster-a='])('bad Open API key entry %p names its position only', (entry) => {
    expect(() => parseOpenApiKeys(`ok=1,${entry}`)).toThrow('HADOOP_ECO_OPEN_API_KEYS: entry 2 is not clusterId=key');
  });
});

describe('endpoints', () => {
  test('regions are built in and custom names are added', () => {
    const registry = new EndpointRegistry(parseEndpointList('emulator=http://127.0.0.1:8080/, staging=https://hadoop-eco.staging.example.invalid'));
    expect(registry.baseUrl('kr-central-1')).toBe(REGION_BASE_URLS['kr-central-1']);
    expect(registry.baseUrl('kr-central-2')).toBe('https://hadoop-eco.kr-central-2.kakaocloud.com');
    expect(registry.baseUrl('emulator')).toBe('http://127.0.0.1:8080');
    expect(registry.baseUrl('unknown')).toBeUndefined();
  });

  test.each([
    ['emulator', 'invalid endpoint "emulator"'],
    ['Emulator=http://127.0.0.1:1', 'invalid endpoint'],
    ['x=ftp://127.0.0.1', 'expected http or https'],
    ['x=not a url', 'is not a URL'],
    ['x=http://127.0.0.1:1/?token=1', 'remove the query'],
  ])('bad endpoint list %p is rejected', (text, message) => {
    expect(() => parseEndpointList(text)).toThrow(message);
  });
});

describe('worker environment', () => {
  test('defaults', () => {
    const settings = readWorkerEnvironment({});
    expect(settings).toMatchObject({ address: 'localhost:7233', namespace: 'default', taskQueue: 'hadoop-eco-jobs', tls: false, logLevel: 'INFO' });
  });

  test('an API key turns TLS on unless TEMPORAL_TLS=false', () => {
    expect(readWorkerEnvironment({ TEMPORAL_API_KEY: 'k' }).tls).toBe(true);
    expect(readWorkerEnvironment({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBe(false);
    expect(() => readWorkerEnvironment({ TEMPORAL_TLS: 'maybe' })).toThrow('TEMPORAL_TLS=maybe is invalid');
  });
});

describe('Temporal binaries', () => {
  test('the environment variable comes first', () => {
    const binary = tempFile('temporal', '#!/bin/sh\n', 0o755);
    expect(devServerExecutable({ TEMPORAL_CLI_PATH: binary, PATH: '' })).toEqual({ type: 'existing-path', path: binary });
  });

  test('a bad environment variable is an error, not a silent fallback', () => {
    expect(() => devServerExecutable({ TEMPORAL_CLI_PATH: '/nonexistent/temporal' })).toThrow('TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file');
  });

  test('PATH comes second', () => {
    const binary = tempFile('temporal-test-server', '#!/bin/sh\n', 0o755);
    const directory = binary.slice(0, binary.lastIndexOf('/'));
    expect(timeSkippingServerExecutable({ PATH: `/nonexistent:${directory}` })).toEqual({ type: 'existing-path', path: binary });
  });

  test('a non-executable file on PATH is skipped, then the SDK download is used', () => {
    const file = tempFile('temporal', 'not a program', 0o644);
    const directory = file.slice(0, file.lastIndexOf('/'));
    expect(devServerExecutable({ PATH: directory })).toEqual({ type: 'cached-download' });
  });
});

describe('locale', () => {
  test.each([
    [{ LANG: 'ko_KR.UTF-8' }, 'ko'],
    [{ LC_ALL: 'ko_KR.UTF-8', LANG: 'en_US.UTF-8' }, 'ko'],
    [{ LC_ALL: 'en_US.UTF-8', LANG: 'ko_KR.UTF-8' }, 'en'],
    [{ LC_MESSAGES: 'ko' }, 'ko'],
    [{}, 'en'],
    [{ LANG: 'kok_IN' }, 'en'],
  ])('%p gives %s', (env, locale) => {
    expect(detectLocale(env)).toBe(locale);
  });
});
