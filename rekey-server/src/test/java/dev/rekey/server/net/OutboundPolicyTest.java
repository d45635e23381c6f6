package dev.rekey.server.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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
  void addressesToConnect_looksTheNameUpOnce_andReturnsTheAddressesItChecked() throws Exception {
    RebindingResolver dns = new RebindingResolver("rebind.test", "127.0.0.1", "169.254.169.254");
    OutboundPolicy p = OutboundPolicy.DEFAULT.resolvingWith(dns);
    assertThat(p.addressesToConnect("rebind.test", SECOND)).extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1");
    assertThat(dns.lookups()).isEqualTo(1);
    // the next lookup answers the metadata address: refused, not connected to
    assertThatThrownBy(() -> p.addressesToConnect("rebind.test", SECOND)).isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("169.254.169.254 is in 169.254.0.0/16");
    assertThat(p.addressesToConnect("[::1]", SECOND)).extracting(InetAddress::getHostAddress)
        .containsExactly("0:0:0:0:0:0:0:1");
    assertThatThrownBy(() -> p.addressesToConnect("no-such-host.invalid", SECOND))
        .isInstanceOf(UnknownHostException.class).isNotInstanceOf(LookupTimeoutException.class);
    assertThatThrownBy(() -> p.addressesToConnect("", SECOND)).as("the JDK answers loopback for an empty name")
        .isInstanceOf(UnknownHostException.class);
    assertThatThrownBy(() -> p.addressesToConnect(null, SECOND)).isInstanceOf(UnknownHostException.class);
    assertThat(OutboundPolicy.ALLOW_ALL.resolvingWith(dns).addressesToConnect("rebind.test", SECOND))
        .as("denying nothing still connects to the address it looked up").extracting(InetAddress::getHostAddress)
        .containsExactly("169.254.169.254");
  }

  @Test
  void addressesToConnect_returnsEveryAddress_inTheOrderOfTheAnswer() throws Exception {
    HostResolver three = host -> new InetAddress[] {InetAddress.getByName("127.0.0.2"),
        InetAddress.getByName("10.0.0.1"), InetAddress.getByName("::1")};
    assertThat(OutboundPolicy.DEFAULT.resolvingWith(three).addressesToConnect("three.test", SECOND))
        .extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2", "10.0.0.1", "0:0:0:0:0:0:0:1");
  }

  @Test
  void addressesToConnect_refusesWhenAnyAddressOfTheNameIsDenied() throws Exception {
    HostResolver twoAnswers = host -> new InetAddress[] {InetAddress.getByName("10.0.0.1"),
        InetAddress.getByName("169.254.169.254")};
    assertThatThrownBy(() -> OutboundPolicy.DEFAULT.resolvingWith(twoAnswers).addressesToConnect("two.test", SECOND))
        .isInstanceOf(OutboundRefusedException.class).hasMessageContaining("two.test");
    assertThat(OutboundPolicy.DEFAULT.resolvingWith(twoAnswers).refusal("two.test")).contains("169.254.0.0/16");
  }

  @Test
  void addressesToConnect_whenTheLookupHangs_failsAtTheDeadline_withATimeout() {
    OutboundPolicy p = OutboundPolicy.DEFAULT.resolvingWith(SLEEPS_A_MINUTE);
    long start = System.nanoTime();

    assertThatThrownBy(() -> p.addressesToConnect("slow.test", Duration.ofMillis(300)))
        .isInstanceOf(LookupTimeoutException.class).hasMessage("looking up slow.test took longer than 300 ms");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void addressesToConnect_whileOtherLookupsHang_stillAnswersAFastOne() throws Exception {
    OutboundPolicy slow = OutboundPolicy.DEFAULT.resolvingWith(SLEEPS_A_MINUTE);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> slow.addressesToConnect("slow.test", Duration.ofMillis(50)))
          .isInstanceOf(LookupTimeoutException.class);
    }
    assertThat(OutboundPolicy.DEFAULT.addressesToConnect("127.0.0.1", SECOND)).hasSize(1);
  }

  @Test
  void refusal_ofALookupThatTimedOut_isNoRefusal() {
    OutboundPolicy p = OutboundPolicy.DEFAULT.resolvingWith(host -> {
      throw new LookupTimeoutException("looking up " + host + " took longer than 5000 ms");
    });
    assertThat(p.refusal("slow.test")).as("the connection checks it again, with its own deadline").isNull();
  }

  /** A DNS server that does not answer: sleeps for a minute (until interrupted). */
  private static final HostResolver SLEEPS_A_MINUTE = host -> {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new UnknownHostException(host + ": no answer");
  };

  private static final Duration SECOND = Duration.ofSeconds(1);
}
