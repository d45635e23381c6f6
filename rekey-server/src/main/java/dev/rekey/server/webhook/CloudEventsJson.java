package dev.rekey.server.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rekey.core.event.Event;
import dev.rekey.core.port.EventEncoder;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.time.ZoneOffset;

/**
 * Events as CloudEvents 1.0 in the structured JSON mode ({@code application/cloudevents+json}):
 * {@code specversion}, {@code id} (the event id), {@code source} ({@code /rekey/namespaces/<ns>}),
 * {@code type} ({@code dev.rekey.<ShortName>}), {@code subject}, {@code time},
 * {@code datacontenttype} and {@code data}: the event's data plus its {@code namespace} and
 * {@code tags}. Built and written by the CloudEvents SDK.
 */
public final class CloudEventsJson implements EventEncoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonFormat format = new JsonFormat();

  @Override
  public String contentType() {
    return JsonFormat.CONTENT_TYPE + "; charset=utf-8";
  }

  @Override
  public byte[] encode(Event event) {
    return format.serialize(toCloudEvent(event));
  }

  static CloudEvent toCloudEvent(Event event) {
    ObjectNode data = JSON.createObjectNode();
    data.put("namespace", event.namespace());
    data.set("tags", JSON.valueToTree(event.tags()));
    event.data().forEach((k, v) -> data.set(k, JSON.valueToTree(v)));
    return CloudEventBuilder.v1()
        .withId(event.id().toString())
        .withSource(URI.create(event.source()))
        .withType(event.type().cloudEventType())
        .withSubject(event.subject())
        .withTime(event.time().atOffset(ZoneOffset.UTC))
        .withDataContentType("application/json")
        .withData(JsonCloudEventData.wrap(data))
        .build();
  }
}
