import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Intake load for bench/intake.sh and bench/intake-fault.sh: produces email intake CloudEvents to
 * clientele.intake.email (one unique Message-ID each, a share of them sent twice), either as fast as
 * possible (a backlog) or open-loop at a constant rate while timing each message from its send time to
 * its ticket.created event on clientele.tickets. Needs kafka-clients and slf4j-api on the class path:
 *
 * <pre>
 * java -cp kafka-clients.jar:slf4j-api.jar bench/IntakeLoad.java produce --bootstrap 127.0.0.1:29092 \
 *     --tenant demo --run r1 --count 10000 [--dup-fraction 0.05]
 * java -cp ... bench/IntakeLoad.java paced --bootstrap ... --tenant demo --run r2 --rate 500 --seconds 30
 * </pre>
 * Prints one line: {@code INTAKELOAD mode=.. sent=.. unique=.. duplicates=..} (paced adds
 * {@code received=.. p50_ms=.. p99_ms=.. max_ms=..}).
 */
public class IntakeLoad {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String mode = args[0];
        String bootstrap = a.getOrDefault("bootstrap", "127.0.0.1:9092");
        String tenant = a.getOrDefault("tenant", "demo");
        String run = a.getOrDefault("run", "r" + System.currentTimeMillis());
        double dups = Double.parseDouble(a.getOrDefault("dup-fraction", "0"));
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            if (mode.equals("produce")) {
                int count = Integer.parseInt(a.getOrDefault("count", "10000"));
                int dupCount = (int) Math.round(count * dups);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    order.add(i);
                }
                Random random = new Random(42);
                List<Integer> again = new ArrayList<>(order);
                Collections.shuffle(again, random);
                // Each duplicate goes out a little after its original, as a gateway retry would.
                Map<Integer, Integer> dupAfter = new HashMap<>();
                for (int d = 0; d < dupCount; d++) {
                    int original = again.get(d);
                    dupAfter.put(Math.min(count - 1, original + 1 + random.nextInt(200)), original);
                }
                int sent = 0;
                for (int i = 0; i < count; i++) {
                    producer.send(record(tenant, run, i, System.currentTimeMillis()));
                    sent++;
                    for (Map.Entry<Integer, Integer> e : dupAfter.entrySet()) {
                        if (e.getKey() == i) {
                            producer.send(record(tenant, run, e.getValue(), 0));
                            sent++;
                        }
                    }
                }
                producer.flush();
                System.out.printf("INTAKELOAD mode=produce sent=%d unique=%d duplicates=%d%n", sent, count, sent - count);
            } else {
                paced(producer, bootstrap, tenant, run, Double.parseDouble(a.getOrDefault("rate", "100")),
                        Integer.parseInt(a.getOrDefault("seconds", "30")),
                        Integer.parseInt(a.getOrDefault("drain-seconds", "30")));
            }
        }
    }

    static void paced(KafkaProducer<String, String> producer, String bootstrap, String tenant, String run, double rate,
            int seconds, int drainSeconds) throws Exception {
        Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
        Map<Integer, Long> latency = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Pattern created = Pattern.compile("\"type\":\"ticket\\.created\"");
        Pattern n = Pattern.compile("\"bench\": ?\"" + Pattern.quote(run) + ":(\\d+)\"");
        Thread listener = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
                List<TopicPartition> parts = consumer.partitionsFor("clientele.tickets").stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(parts);
                consumer.seekToEnd(parts);
                parts.forEach(consumer::position);
                synchronized (stop) {
                    stop.notifyAll();
                }
                while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(20)).forEach(r -> {
                        long now = System.currentTimeMillis();
                        if (created.matcher(r.value()).find()) {
                            Matcher m = n.matcher(r.value());
                            if (m.find()) {
                                int i = Integer.parseInt(m.group(1));
                                Long t0 = sentAt.get(i);
                                if (t0 != null) {
                                    latency.putIfAbsent(i, now - t0);
                                }
                            }
                        }
                    });
                }
            }
        });
        synchronized (stop) {
            listener.start();
            stop.wait(30_000);
        }
        long start = System.nanoTime();
        long intervalNanos = (long) (1_000_000_000L / rate);
        int total = (int) (rate * seconds);
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            // Timed from the scheduled send, so a stalled producer or consumer is charged (no coordinated omission).
            long scheduled = System.currentTimeMillis() - Math.max(0, (System.nanoTime() - due) / 1_000_000);
            sentAt.put(i, scheduled);
            producer.send(record(tenant, run, i, scheduled));
        }
        producer.flush();
        long deadline = System.currentTimeMillis() + drainSeconds * 1000L;
        while (latency.size() < total && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        stop.set(true);
        listener.join();
        List<Long> sorted = new ArrayList<>(latency.values());
        Collections.sort(sorted);
        System.out.printf("INTAKELOAD mode=paced target_rps=%.0f sent=%d received=%d p50_ms=%d p99_ms=%d max_ms=%d%n",
                rate, total, sorted.size(), pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1));
    }

    static long pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static ProducerRecord<String, String> record(String tenant, String run, int i, long sentAt) {
        String id = run + "-" + i;
        String json = "{\"specversion\":\"1.0\",\"id\":\"ev-" + id + "\",\"source\":\"/bench\","
                + "\"type\":\"io.clientele.intake.email\",\"tenantid\":\"" + tenant + "\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"messageId\":\"<" + id + "@bench>\","
                + "\"from\":{\"email\":\"bench-" + (i % 500) + "@example.com\",\"name\":\"Bench Sender " + (i % 500)
                + "\"},\"subject\":\"Bench ticket " + i + "\",\"text\":\"Hello, this is bench message " + i
                + ".\",\"tags\":[\"bench\"],\"attributes\":{\"bench\":\"" + run + ":" + i + "\"}}}";
        return new ProducerRecord<>("clientele.intake.email", id, json);
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p);
    }
}
