/** Enough of a Google key to tell two apart, never enough to use one. */
export function maskUpstreamKey(key: string): string {
  return key.length <= 8 ? "****" : `${key.slice(0, 4)}…${key.slice(-4)}`;
}
