// The running-config of a freshly set-up router, used when the emulator is started without `config`.

export const DEFAULT_RUNNING_CONFIG = `!
version 15.7
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname Router
!
boot-start-marker
boot-end-marker
!
no aaa new-model
!
ip cef
no ipv6 cef
!
ip ssh version 2
!
control-plane
!
line con 0
line vty 0 4
 login local
 transport input ssh
!
end
`;
