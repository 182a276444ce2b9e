import { IpNotAllowedError } from "../domain/errors.ts";
import { allowlist } from "../domain/ip-allowlist.ts";
import type { GatewayMiddleware } from "./types.ts";

/**
 * Checks the TCP peer the function URL reports, never `x-forwarded-for`, which any client can write.
 * Put a proxy in front and this must change to trust that proxy's header.
 */
export function ipAllowlist(): GatewayMiddleware {
  return {
    name: "ipAllowlist",
    before: (request) => {
      const key = request.context.key;
      if (!key || key.ipAllowlist.length === 0) return;
      const ip = request.event.requestContext.http.sourceIp;
      if (!allowlist(key.ipAllowlist).allows(ip)) {
        throw new IpNotAllowedError(`Requests from ${ip} are not allowed for key ${key.keyId}. Call from an allowed address or ask the operator to add this one.`);
      }
    },
  };
}
