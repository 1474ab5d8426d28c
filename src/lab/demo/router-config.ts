// The lab router's boot configuration: a real-looking ISR 4331 config with interfaces, ACLs and object groups of
// its own that tscm must leave untouched, and the block/allow groups an ACL already uses (as after a migration).

export const LAB_ROUTER_CONFIG = `!
version 16.9
service timestamps debug datetime msec
service timestamps log datetime msec
service password-encryption
no platform punt-keepalive disable-kernel-core
!
hostname branch-isr-01
!
boot-start-marker
boot-end-marker
!
vrf definition Mgmt-intf
 address-family ipv4
 exit-address-family
!
logging buffered 64000
enable secret 9 $9$labonlyDoNotUseThisSecretHash0000000000000000
!
no aaa new-model
ip domain name lab.example
!
object-group network corp-servers
 description Internal servers (not managed by tscm)
 host 10.20.0.10
 host 10.20.0.11
 10.30.0.0 255.255.255.0
!
object-group network threatstop-block
 description ThreatSTOP block list
!
object-group network threatstop-allow
 description ThreatSTOP allow list
!
username admin privilege 15 secret 9 $9$labonlyDoNotUseThisSecretHash1111111111111111
!
interface GigabitEthernet0/0/0
 description WAN
 ip address 203.0.113.2 255.255.255.252
 ip access-group THREATSTOP-IN in
 negotiation auto
!
interface GigabitEthernet0/0/1
 description LAN
 ip address 10.20.0.1 255.255.0.0
 negotiation auto
!
ip access-list extended THREATSTOP-IN
 10 permit ip object-group threatstop-allow any
 20 deny ip object-group threatstop-block any log
 30 permit ip any any
ip access-list extended SERVERS-IN
 10 permit tcp any object-group corp-servers eq 443
!
line con 0
 transport input none
line vty 0 4
 login local
 transport input ssh
!
end
`;
