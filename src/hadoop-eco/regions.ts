/** Base URLs of the Job Cluster API per Kakao Cloud region. */
export const REGION_BASE_URLS = {
  'kr-central-1': 'https://hadoop-eco.kr-central-1.kakaoi.io',
  'kr-central-2': 'https://hadoop-eco.kr-central-2.kakaocloud.com',
} as const;

export type RegionName = keyof typeof REGION_BASE_URLS;

/** Endpoint names are what workflow input may carry: a region or a name the worker maps to a URL. */
export const ENDPOINT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Parses `name=url` pairs, separated by commas or whitespace, into endpoint
 * names and base URLs, for example `emulator=http://127.0.0.1:8080`.
 * Throws a TypeError that names the bad pair.
 */
export function parseEndpointList(text: string): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const url = pair.slice(separator + 1).trim();
    if (separator <= 0 || !ENDPOINT_NAME_PATTERN.test(name)) {
      throw new TypeError(`invalid endpoint "${pair}": expected name=url with a lower-case name such as emulator`);
    }
    endpoints[name] = normalizeBaseUrl(url, name);
  }
  return endpoints;
}

/** Checks that a base URL is http(s) without query or fragment, and drops a trailing slash. */
export function normalizeBaseUrl(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`invalid base URL for endpoint "${name}": "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`invalid base URL for endpoint "${name}": expected http or https, got ${parsed.protocol}`);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new TypeError(`invalid base URL for endpoint "${name}": remove the query, fragment or user info`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

/** Maps endpoint names to base URLs: the two regions plus the worker's own endpoints. */
export class EndpointRegistry {
  private readonly endpoints: Map<string, string>;

  constructor(custom: Record<string, string> = {}) {
    this.endpoints = new Map(Object.entries({ ...REGION_BASE_URLS, ...custom }));
  }

  /** Returns the base URL for a region or endpoint name, or undefined when the name is unknown. */
  baseUrl(name: string): string | undefined {
    return this.endpoints.get(name);
  }

  names(): string[] {
    return [...this.endpoints.keys()];
  }
}
