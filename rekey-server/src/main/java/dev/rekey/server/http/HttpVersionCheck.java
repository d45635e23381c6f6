package dev.rekey.server.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * Makes a request whose request line names another HTTP version than 1.0 or 1.1 (HTTP/9.9,
 * HTTP/2.0 sent as text) one the decoder could not read, so that {@link ApiRouter#acceptUndecodable}
 * answers it: 400 invalid_request, audited, connection closed. Vert.x would answer it itself,
 * before any handler of Rekey's runs, with an empty 501. Sits in each connection's pipeline just
 * after the HTTP decoder; the answer's status line says HTTP/1.1.
 */
@ChannelHandler.Sharable
public final class HttpVersionCheck extends ChannelInboundHandlerAdapter {
  private static final HttpVersionCheck INSTANCE = new HttpVersionCheck();
  private static final String DECODER = "httpDecoder"; // Vert.x's name for it

  /** The decoder failure {@link ApiRouter#acceptUndecodable} finds. */
  static final class Unsupported extends Exception {
    Unsupported() {
      super("unsupported HTTP version", null, false, false);
    }
  }

  private HttpVersionCheck() {}

  /** For {@code HttpServer.connectionHandler}: adds the check to an HTTP/1.x connection's pipeline. */
  public static void install(HttpConnection connection) {
    if (connection instanceof HttpServerConnection c) {
      ChannelPipeline pipeline = c.channelHandlerContext().pipeline();
      if (pipeline.get(DECODER) != null) {
        pipeline.addAfter(DECODER, "rekeyHttpVersionCheck", INSTANCE);
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // identity, as Vert.x compares: a version it does not hold as 1.0 or 1.1 it answers with 501
    if (msg instanceof HttpRequest request && request.protocolVersion() != HttpVersion.HTTP_1_1
        && request.protocolVersion() != HttpVersion.HTTP_1_0 && request.decoderResult().isSuccess()) {
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
      request.setDecoderResult(DecoderResult.failure(new Unsupported()));
    }
    ctx.fireChannelRead(msg);
  }
}
