import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Keyword search attributes that the job workflow keeps up to date, so that
 * runs can be found in the Web UI and with `temporal workflow list --query`.
 * The namespace must have them registered; the worker checks at start.
 */
export const JOB_SEARCH_ATTRIBUTES = {
  clusterId: defineSearchAttributeKey('HadoopEcoClusterId', SearchAttributeType.KEYWORD),
  requestId: defineSearchAttributeKey('HadoopEcoRequestId', SearchAttributeType.KEYWORD),
  requestStatus: defineSearchAttributeKey('HadoopEcoRequestStatus', SearchAttributeType.KEYWORD),
  requestResult: defineSearchAttributeKey('HadoopEcoRequestResult', SearchAttributeType.KEYWORD),
} as const;

/** Every key, for servers and checks that take a list. */
export const JOB_SEARCH_ATTRIBUTE_KEYS = Object.values(JOB_SEARCH_ATTRIBUTES);

/** Builds the `temporal` commands that register the attributes in a namespace. */
export function searchAttributeCreateCommands(namespace: string): string[] {
  return JOB_SEARCH_ATTRIBUTE_KEYS.map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type Keyword`);
}
