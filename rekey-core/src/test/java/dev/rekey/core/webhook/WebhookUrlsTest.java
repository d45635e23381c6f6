package dev.rekey.core.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rekey.api.ErrorCode;
import dev.rekey.core.RekeyException;
import org.junit.jupiter.api.Test;

class WebhookUrlsTest {
  private static void refused(String url, String field, String says) {
    assertThatThrownBy(() -> WebhookUrls.check(url, field)).as(url)
        .isInstanceOfSatisfying(RekeyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
        .hasMessageStartingWith("field '" + field + "'").hasMessageContaining(says);
  }

  @Test
  void usableUrls_areReturnedAsGiven() {
    for (String url : new String[] {"https://hooks.example.test/rekey", "http://127.0.0.1:8080/h?x=1",
        "https://h.example.test:1/", "https://h.example.test:65535/", "http://[::1]:9000/hook"}) {
      assertThat(WebhookUrls.check(url)).isEqualTo(url);
    }
  }

  @Test
  void unusableUrls_areInvalidRequests_namingTheField() {
    refused(null, "url", "is required");
    refused(" ", "hook_url", "is required");
    refused("https://h.example.test/" + "a".repeat(WebhookUrls.MAX_LENGTH), "url", "longer than");
    refused("https://h.example.test/a b", "hook_url", "not a valid URL");
    refused("ftp://h.example.test/", "url", "http:// or https://");
    refused("/relative", "url", "http:// or https://");
    refused("https:///nohost", "url", "must name a host");
    refused("https://h.example.test:99999/", "hook_url", "port 99999");
    refused("https://h.example.test:0/", "url", "port 0");
    refused("https://user:pw@h.example.test/", "url", "credentials");
    refused("https://h.example.test/#frag", "url", "fragment");
  }

  @Test
  void theOneArgumentForm_namesUrl() {
    assertThatThrownBy(() -> WebhookUrls.check("ftp://x")).hasMessageStartingWith("field 'url'");
  }
}
