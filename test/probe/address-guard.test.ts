import { isContactable, nonPublicReason } from '../../src/probe/address-guard';

describe('address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.20.0.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped 127.0.0.1 (loopback)'],
    ['::ffff:10.0.0.1', 'IPv4-mapped 10.0.0.1 (private)'],
    ['::ffff:a00:1', 'IPv4-mapped 10.0.0.1 (private)'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['fec0::1', 'site-local'],
    ['100::1', 'discard'],
    ['2001:db8::1', 'reserved'],
    ['3fff::1', 'reserved'],
    ['2001:2::1', 'benchmarking'],
    ['5f00::1', 'segment routing'],
    ['::ffff:0:808:808', 'IPv4-translated'],
    // IPv4 inside IPv6: the embedded address is judged.
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1 (private)'],
    ['64:ff9b::10.0.0.1', 'NAT64 of 10.0.0.1 (private)'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254 (link-local)'],
    ['64:ff9b:1::808:808', 'private NAT64'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1 (loopback)'],
    ['2002:c0a8:101:5::1', '6to4 of 192.168.1.1 (private)'],
    ['2001:0:808:808::3f57:fefe', 'Teredo client 192.168.1.1 (private)'],
    ['2001:0:a00:1::f7f7:f7f7', 'Teredo server 10.0.0.1 (private)'],
    // RFC 4380's example: its client is a documentation address.
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo client 192.0.2.45 (reserved)'],
    ['::7f00:1', 'IPv4-compatible form of 127.0.0.1'],
    ['::808:808', 'IPv4-compatible form of 8.8.8.8'],
    ['::2', 'IPv4-compatible form of 0.0.0.2'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(nonPublicReason(address)).toBe(kind);
    expect(isContactable(address, false)).toBe(false);
    expect(isContactable(address, true)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '2a00:1450:4001::1',
    '1.1.1.1',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
    // Teredo server 65.54.227.120, client 8.8.4.4 (stored inverted).
    '2001:0:4136:e378:8000:63bf:f7f7:fbfb',
  ])('allows public %s', (address) => {
    expect(nonPublicReason(address)).toBeNull();
    expect(isContactable(address, false)).toBe(true);
  });

  it('refuses IPv4-mapped IPv6 in hex form and non-addresses', () => {
    expect(nonPublicReason('::ffff:7f00:1')).not.toBeNull();
    expect(nonPublicReason('mx.example.org')).toBe('not an IP address');
    expect(isContactable('mx.example.org', true)).toBe(false);
    // ipaddr.js alone would take these shorthand IPv4 spellings.
    expect(nonPublicReason('127.1')).toBe('not an IP address');
    expect(nonPublicReason('0x7f.0.0.1')).toBe('not an IP address');
  });
});
