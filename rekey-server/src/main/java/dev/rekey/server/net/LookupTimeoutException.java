package dev.rekey.server.net;

import java.net.UnknownHostException;

/**
 * A host name's lookup did not answer before its deadline. An {@link UnknownHostException}, so a
 * caller that treats an unresolvable host as a failed connection does the same with this one.
 */
public final class LookupTimeoutException extends UnknownHostException {
  LookupTimeoutException(String message) {
    super(message);
  }
}
