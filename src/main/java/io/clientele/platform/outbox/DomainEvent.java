package io.clientele.platform.outbox;

/**
 * A state change to publish: {@code type} like {@code customer.created}, {@code aggregateId} the
 * record (the Kafka key, so each record's events stay ordered), {@code data} the CloudEvent data.
 */
public record DomainEvent(String topic, String aggregateType, String aggregateId, String type, Object data) {
}
