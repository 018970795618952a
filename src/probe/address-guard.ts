import net from 'node:net';

/**
 * The SSRF guard: the probe connects to addresses that DNS of the checked domain chose, so a hostile
 * domain could aim it at our own network. Only public unicast addresses are contacted unless the
 * caller opts in.
 */

type Range = [address: string, prefix: number, kind: string];

const IPV4_RANGES: Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'CGNAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignment'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'private NAT64'],
  ['100::', 64, 'discard'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const lists = new Map<string, net.BlockList>();
function blockList(kind: string): net.BlockList {
  let list = lists.get(kind);
  if (!list) {
    list = new net.BlockList();
    for (const [address, prefix, rangeKind] of IPV4_RANGES)
      if (rangeKind === kind) list.addSubnet(address, prefix, 'ipv4');
    for (const [address, prefix, rangeKind] of IPV6_RANGES)
      if (rangeKind === kind) list.addSubnet(address, prefix, 'ipv6');
    lists.set(kind, list);
  }
  return list;
}
const KINDS = [...new Set([...IPV4_RANGES, ...IPV6_RANGES].map(([, , kind]) => kind))];

/** Why an address must not be contacted, or null when it is public. */
export function nonPublicReason(address: string): string | null {
  const family = net.isIP(address);
  if (family === 0) return 'not an IP address';
  // IPv4-mapped and IPv4-compatible forms carry an IPv4 address that must be judged as such.
  const mapped = /^::(?:ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return nonPublicReason(mapped[1]);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const kind of KINDS) if (blockList(kind).check(address, type)) return kind;
  if (family === 6 && /^::ffff:/i.test(address)) return 'IPv4-mapped';
  return null;
}

export function isContactable(address: string, allowPrivateNetworks: boolean): boolean {
  return allowPrivateNetworks ? net.isIP(address) !== 0 : nonPublicReason(address) === null;
}
