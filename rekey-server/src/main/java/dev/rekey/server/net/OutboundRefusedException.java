package dev.rekey.server.net;

/** The {@link OutboundPolicy} refuses a host: its message says which address and which denied range. */
public final class OutboundRefusedException extends Exception {
  OutboundRefusedException(String reason) {
    super(reason, null, false, false);
  }
}
