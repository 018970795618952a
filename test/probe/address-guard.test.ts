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
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
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
  ])('allows public %s', (address) => {
    expect(nonPublicReason(address)).toBeNull();
    expect(isContactable(address, false)).toBe(true);
  });

  it('refuses IPv4-mapped IPv6 in hex form and non-addresses', () => {
    expect(nonPublicReason('::ffff:7f00:1')).not.toBeNull();
    expect(nonPublicReason('mx.example.org')).toBe('not an IP address');
    expect(isContactable('mx.example.org', true)).toBe(false);
  });
});
