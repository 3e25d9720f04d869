import dns from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";

/**
 * Webhook targets must be public: http(s) only, and every address a host resolves to must be
 * ordinary global unicast. Loopback, private, link-local, CGNAT, multicast, unspecified,
 * reserved, IPv4-mapped/translated forms of those, and cloud metadata endpoints are refused,
 * unless the operator allows private targets (local development, tests).
 */

/** Public-looking addresses that still reach a cloud provider's internal services. */
const metadataAddresses = new Set([
  "168.63.129.16",
  "169.254.169.254",
  "169.254.170.2",
  "100.100.100.200",
  "fd00:ec2::254",
]);

const rangeNames: Record<string, string> = {
  unspecified: "an unspecified",
  broadcast: "a broadcast",
  multicast: "a multicast",
  linkLocal: "a link-local",
  loopback: "a loopback",
  carrierGradeNat: "a carrier-grade NAT",
  private: "a private",
  uniqueLocal: "a unique-local (private)",
  reserved: "a reserved",
};

/** Why `address` may not be a webhook target, or null when it may. */
export function blockedAddressReason(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  } catch {
    return "not an IP address";
  }
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    // ::ffff:a.b.c.d and friends reach the IPv4 address inside.
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
  }
  if (metadataAddresses.has(ip.toString())) return "a cloud metadata address";
  const range = ip.range();
  if (range !== "unicast") return `${rangeNames[range] ?? `a reserved (${range})`} address`;
  // ::a.b.c.d (the deprecated IPv4-compatible form) is never a public target either.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0))
    return "an IPv4-compatible IPv6 address";
  return null;
}

export interface TargetProblem {
  message: string;
}

/** Checks a subscription's url at subscription time: scheme, then every address its host resolves to. */
export async function targetProblem(url: string, allowPrivate: boolean): Promise<TargetProblem | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { message: "must be a URL" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { message: "must be an http or https URL" };
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return { message: `host ${host} does not resolve` };
    }
  }
  for (const address of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) return { message: `must be on a public address: ${host} is ${reason}` };
  }
  return null;
}

/** An error for a target refused at delivery time. */
export class BlockedTargetError extends Error {
  readonly code = "EBLOCKEDTARGET";
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses blocked addresses: the check applies to the very
 * addresses the socket then connects to, so DNS rebinding between check and connect cannot
 * slip a private address through.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as dns.LookupAddress[];
      if (!allowPrivate) {
        for (const a of list) {
          const reason = blockedAddressReason(a.address);
          if (reason)
            return callback(new BlockedTargetError(`${hostname} resolves to ${reason}`) as NodeJS.ErrnoException, []);
        }
      }
      if (list.length === 0)
        return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" }), []);
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
