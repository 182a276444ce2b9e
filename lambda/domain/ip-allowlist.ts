import { BlockList, isIP } from "node:net";

/**
 * Parses CIDRs (or bare addresses) into a matcher. Throws with the offending entry, so the admin CLI
 * can refuse a bad allowlist before it is stored.
 *
 * @example allowlist(["203.0.113.0/24", "2001:db8::/32"]).allows("203.0.113.9") // true
 */
export function allowlist(entries: readonly string[]): { allows(ip: string): boolean } {
  if (entries.length === 0) return { allows: () => true };
  const list = new BlockList();
  for (const entry of entries) {
    const { address, prefix, family } = parseCidr(entry);
    list.addSubnet(address, prefix, family);
  }
  return {
    allows(ip) {
      const family = isIP(ip);
      if (family === 0) return false;
      if (list.check(ip, family === 4 ? "ipv4" : "ipv6")) return true;
      // A v4 client seen through a dual-stack socket arrives as ::ffff:a.b.c.d.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
      return mapped?.[1] !== undefined && list.check(mapped[1], "ipv4");
    },
  };
}

export function parseCidr(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [address = "", prefixText, ...rest] = entry.trim().split("/");
  const version = isIP(address);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (version === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || prefixText === "") {
    throw new Error(`"${entry}" is not an IPv4 or IPv6 address or CIDR (e.g. 203.0.113.0/24, 2001:db8::/32)`);
  }
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}
