// The configuration an ASA emulator boots without one: a small ASAv skeleton in the order a 9.x box prints
// [I: modelled on the real configs in testdata/real/].

export const DEFAULT_ASA_CONFIG = `: Saved
:
: Serial Number: 9A0000000LAB
: Hardware:   ASAv, 2048 MB RAM, CPU Xeon E5 series 2600 MHz
:
ASA Version 9.16(3)19
!
hostname ciscoasa
names
!
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 192.0.2.1 255.255.255.0
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.0.0.1 255.255.255.0
!
ftp mode passive
pager lines 24
mtu outside 1500
mtu inside 1500
no failover
route outside 0.0.0.0 0.0.0.0 192.0.2.254 1
ssh version 2
prompt hostname context
: end
`;
