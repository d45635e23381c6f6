package dev.rekey.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundPolicyTest {
  @Test
  void byDefault_metadataAndUnspecifiedAddressesAreRefused_loopbackAndPrivateAllowed() {
    OutboundPolicy p = OutboundPolicy.DEFAULT;
    assertThat(p.refusal("169.254.169.254")).contains("169.254.0.0/16");
    assertThat(p.refusal("[fd00:ec2::254]")).contains("fd00:ec2::254/128");
    assertThat(p.refusal("[fe80::1]")).contains("fe80::/10");
    assertThat(p.refusal("0.0.0.0")).isNotNull();
    assertThat(p.refusal("[::]")).isNotNull();
    // an IPv4 address written as IPv6 is the same address
    assertThat(p.refusal("[::ffff:169.254.169.254]")).isNotNull();
    assertThat(p.refusal("2852039166")).as("169.254.169.254 as one number").isNotNull();
    assertThat(p.refusal("[::169.254.169.254]")).as("IPv4-compatible").isNotNull();
    assertThat(p.refusal("[64:ff9b::a9fe:a9fe]")).as("NAT64").isNotNull();
    assertThat(p.refusal("127.0.0.1")).isNull();
    assertThat(p.refusal("localhost")).isNull();
    assertThat(p.refusal("10.1.2.3")).isNull();
    assertThat(p.refusal("[::1]")).isNull();
    assertThat(p.refusal("no-such-host.invalid")).as("unresolvable: the connection fails on its own").isNull();
  }

  @Test
  void configuredRanges_matchByPrefixBits() {
    OutboundPolicy p = OutboundPolicy.of(List.of("10.0.0.0/8", "192.168.1.128/25", "127.0.0.1", "2001:db8::/32"));
    assertThat(p.refusal("10.255.0.1")).contains("10.0.0.0/8");
    assertThat(p.refusal("11.0.0.1")).isNull();
    assertThat(p.refusal("192.168.1.200")).contains("192.168.1.128/25");
    assertThat(p.refusal("192.168.1.127")).isNull();
    assertThat(p.refusal("localhost")).as("a name is checked by what it resolves to").contains("127.0.0.1");
    assertThat(p.refusal("127.0.0.2")).isNull();
    assertThat(p.refusal("[2001:db8:1::5]")).contains("2001:db8::/32");
    assertThat(p.refusal("[2001:db9::5]")).isNull();
    assertThat(OutboundPolicy.of(List.of("0.0.0.0/0")).refusal("8.8.8.8")).isNotNull();
    assertThat(OutboundPolicy.ALLOW_ALL.refusal("169.254.169.254")).isNull();
  }

  @Test
  void badRanges_areRefusedWithTheirText() {
    for (String bad : List.of("", "example.com", "10.0.0.0/33", "fe80::/129", "10.0.0.0/x", "10.0.0.0/-1", "1.2.3")) {
      assertThatThrownBy(() -> OutboundPolicy.of(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void addressToConnect_looksTheNameUpOnce_andReturnsTheAddressItChecked() throws Exception {
    RebindingResolver dns = new RebindingResolver("rebind.test", "127.0.0.1", "169.254.169.254");
    OutboundPolicy p = OutboundPolicy.DEFAULT.resolvingWith(dns);
    assertThat(p.addressToConnect("rebind.test").getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(dns.lookups()).isEqualTo(1);
    // the next lookup answers the metadata address: refused, not connected to
    assertThatThrownBy(() -> p.addressToConnect("rebind.test")).isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("169.254.169.254 is in 169.254.0.0/16");
    assertThat(p.addressToConnect("[::1]").getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThatThrownBy(() -> p.addressToConnect("no-such-host.invalid")).isInstanceOf(java.net.UnknownHostException.class);
    assertThatThrownBy(() -> p.addressToConnect("")).as("the JDK answers loopback for an empty name")
        .isInstanceOf(java.net.UnknownHostException.class);
    assertThatThrownBy(() -> p.addressToConnect(null)).isInstanceOf(java.net.UnknownHostException.class);
    assertThat(OutboundPolicy.ALLOW_ALL.resolvingWith(dns).addressToConnect("rebind.test").getHostAddress())
        .as("denying nothing still connects to the address it looked up").isEqualTo("169.254.169.254");
  }

  @Test
  void addressToConnect_refusesWhenAnyAddressOfTheNameIsDenied() throws Exception {
    HostResolver twoAnswers = host -> new java.net.InetAddress[] {java.net.InetAddress.getByName("10.0.0.1"),
        java.net.InetAddress.getByName("169.254.169.254")};
    assertThatThrownBy(() -> OutboundPolicy.DEFAULT.resolvingWith(twoAnswers).addressToConnect("two.test"))
        .isInstanceOf(OutboundRefusedException.class).hasMessageContaining("two.test");
    assertThat(OutboundPolicy.DEFAULT.resolvingWith(twoAnswers).refusal("two.test")).contains("169.254.0.0/16");
  }
}
