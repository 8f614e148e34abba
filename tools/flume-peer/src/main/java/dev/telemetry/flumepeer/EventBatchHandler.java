package dev.telemetry.flumepeer;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.servlet.http.HttpServletRequest;

import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.http.HTTPBadRequestException;
import org.apache.flume.source.http.HTTPSourceHandler;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Flume's HTTP source reading the collector's push format ({@code {"events":[...]}}), so that Flume receives the
 * very bytes the collector does: one Flume event per pushed event, its JSON as the body, and the machine's id as
 * the Kafka sink's record key (header {@code key}), as the collector keys a machine's events together. Flume checks
 * nothing else: no API key, no catalog, no consent.
 */
public final class EventBatchHandler implements HTTPSourceHandler {

    @Override
    public List<Event> getEvents(HttpServletRequest request) throws HTTPBadRequestException {
        JsonArray events;
        try (Reader body = new InputStreamReader(request.getInputStream(), StandardCharsets.UTF_8)) {
            events = JsonParser.parseReader(body).getAsJsonObject().getAsJsonArray("events");
        } catch (IOException | RuntimeException e) {
            throw new HTTPBadRequestException("not a push: " + e.getMessage());
        }
        if (events == null) {
            throw new HTTPBadRequestException("not a push: no events");
        }
        List<Event> batch = new ArrayList<>(events.size());
        for (JsonElement element : events) {
            if (!element.isJsonObject()) {
                throw new HTTPBadRequestException("not a push: an event is not an object");
            }
            JsonObject event = element.getAsJsonObject();
            Map<String, String> headers = new HashMap<>();
            JsonElement machine = event.get("anonymousId");
            if (machine != null && machine.isJsonPrimitive()) {
                headers.put("key", machine.getAsString());
            }
            batch.add(EventBuilder.withBody(event.toString().getBytes(StandardCharsets.UTF_8), headers));
        }
        return batch;
    }

    @Override
    public void configure(Context context) {
        // nothing to configure
    }
}
