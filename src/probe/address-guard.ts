import ipaddr from 'ipaddr.js';
import net from 'node:net';

/**
 * The SSRF guard: the probe connects to addresses that DNS of the checked domain chose, so a hostile
 * domain could aim it at our own network. Only public unicast addresses are contacted unless the
 * caller opts in. Ranges come from ipaddr.js (IANA special-purpose registries); IPv6 forms that carry an
 * IPv4 address (NAT64, 6to4, Teredo, IPv4-mapped) are judged by that address, because on a host with
 * NAT64 or a 6to4/Teredo relay they reach it.
 */

/** ipaddr.js ranges that are refused, by the words the report uses. Any range not named is public. */
const IPV4_REFUSED: Readonly<Partial<Record<string, string>>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'CGNAT',
  private: 'private',
  reserved: 'reserved',
};

const IPV6_REFUSED: Readonly<Partial<Record<string, string>>> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  multicast: 'multicast',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'site-local',
  discard: 'discard',
  // ::ffff:0:a.b.c.d, the stateless-translation form: no mail host lives there.
  rfc6145: 'IPv4-translated',
  benchmarking: 'benchmarking',
  deprecatedOrchid: 'deprecated ORCHID',
  segmentRouting: 'segment routing',
  reserved: 'reserved',
};

const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

function ipv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function judgeIpv4(address: ipaddr.IPv4): string | null {
  return IPV4_REFUSED[address.range()] ?? null;
}

/** The first embedded IPv4 address that is not public, as "NAT64 of 10.0.0.1 (private)". */
function judgeEmbedded(embedded: ReadonlyArray<[label: string, address: ipaddr.IPv4]>): string | null {
  for (const [label, address] of embedded) {
    const reason = judgeIpv4(address);
    if (reason !== null) return `${label} ${address.toString()} (${reason})`;
  }
  return null;
}

function judgeIpv6(address: ipaddr.IPv6): string | null {
  const p = address.parts;
  const part = (i: number): number => p[i] ?? 0;
  // :: and ::1 are named by their own range; the rest of ::/96 is the deprecated IPv4-compatible form, which
  // some stacks still route to the IPv4 address.
  const range = address.range();
  if (range !== 'unspecified' && range !== 'loopback' && address.match(IPV4_COMPATIBLE))
    return `IPv4-compatible form of ${ipv4(part(6), part(7)).toString()}`;
  switch (range) {
    case 'ipv4Mapped':
      return judgeEmbedded([['IPv4-mapped', address.toIPv4Address()]]);
    case 'rfc6052':
      // 64:ff9b:1::/48 is for local NAT64 deployments (RFC 8215): where it leads is not knowable.
      return address.match(NAT64_WELL_KNOWN)
        ? judgeEmbedded([['NAT64 of', ipv4(part(6), part(7))]])
        : 'private NAT64';
    case '6to4':
      return judgeEmbedded([['6to4 of', ipv4(part(1), part(2))]]);
    case 'teredo':
      // RFC 4380: the server's address in bits 32..63, the client's inverted in the last 32 bits.
      return judgeEmbedded([
        ['Teredo server', ipv4(part(2), part(3))],
        ['Teredo client', ipv4(part(6) ^ 0xffff, part(7) ^ 0xffff)],
      ]);
    default:
      return IPV6_REFUSED[range] ?? null;
  }
}

/** Why an address must not be contacted, or null when it is public. */
export function nonPublicReason(address: string): string | null {
  // net.isIP is strict (ipaddr.js would also take "127.1" or "0x7f.1"), so it decides what is an address.
  const family = net.isIP(address);
  if (family === 0) return 'not an IP address';
  try {
    return family === 4 ? judgeIpv4(ipaddr.IPv4.parse(address)) : judgeIpv6(ipaddr.IPv6.parse(address));
  } catch {
    // Node and ipaddr.js disagree on the spelling: not judged, so not contacted.
    return 'not an IP address';
  }
}

export function isContactable(address: string, allowPrivateNetworks: boolean): boolean {
  return allowPrivateNetworks ? net.isIP(address) !== 0 : nonPublicReason(address) === null;
}
