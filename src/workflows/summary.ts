/**
 * Builds one line for the Web UI: the cluster and the settings this run changes,
 * such as `Hadoop Eco job on cluster … (kr-central-2): workerCnt=4`.
 * Deterministic, so that workflows can use it for their children.
 */
export function jobSummary(clusterId: string, region: string, settings: Record<string, unknown>): string {
  const changed = Object.entries(settings).map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  const summary = `Hadoop Eco job on cluster ${clusterId} (${region})${changed.length > 0 ? `: ${changed.join(' ')}` : ', stored settings'}`;
  // Keep the summary one short line, since the Web UI shows it in lists.
  return summary.length > 200 ? `${summary.slice(0, 199)}…` : summary;
}
