package io.clientele.testinfra;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.BrokerServer;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) inside this JVM, built on Kafka's own
 * test kit. Data lives in a temporary directory and is deleted on stop.
 *
 * <p>The kit pre-binds its listeners to random ports, so a fixed port cannot be given to them. Instead the broker
 * gets one more listener, {@code CLIENT}, bound to 127.0.0.1 on the requested port (0 = free port); clients
 * bootstrap through it and are answered with its address, so a fixed port works for local mode.
 */
public final class KafkaBroker implements AutoCloseable {

    static final String CLIENT_LISTENER = "CLIENT";

    private final KafkaClusterTestKit cluster;
    private final int port;

    private KafkaBroker(KafkaClusterTestKit cluster, int port) {
        this.cluster = cluster;
        this.port = port;
    }

    /** Broker-internal categories (not the clients'): INFO there is noise in test output. */
    private static final List<String> BROKER_LOG_CATEGORIES = List.of("kafka", "state.change.logger",
            "org.apache.kafka.server", "org.apache.kafka.controller", "org.apache.kafka.raft", "org.apache.kafka.image",
            "org.apache.kafka.metadata", "org.apache.kafka.storage", "org.apache.kafka.coordinator",
            "org.apache.kafka.queue", "org.apache.kafka.common.test", "org.apache.kafka.common.network",
            "org.apache.kafka.network", "org.apache.kafka.security");
    /** Strong references: JUL forgets the level of a logger that is garbage-collected. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    public static KafkaBroker start(int port) {
        quietBrokerLogs();
        if (port != 0) {
            InfraSupport.requirePortFree(port, "Kafka");
        }
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            String broker = nodes.brokerListenerName().value();
            String controller = nodes.controllerListenerName().value();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("listeners", broker + "://localhost:0," + controller + "://localhost:0,"
                            + CLIENT_LISTENER + "://127.0.0.1:" + port)
                    .setConfigProp("listener.security.protocol.map", broker + ":" + nodes.brokerListenerProtocol().name
                            + "," + controller + ":" + nodes.controllerListenerProtocol().name
                            + "," + CLIENT_LISTENER + ":PLAINTEXT");
            brokerConfig().forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            BrokerServer server = cluster.brokers().values().iterator().next();
            int boundPort = server.boundPort(ListenerName.normalised(CLIENT_LISTENER));
            KafkaBroker kafka = new KafkaBroker(cluster, boundPort);
            kafka.awaitReachable(Duration.ofSeconds(60));
            return kafka;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Kafka broker did not start (port " + port + "): " + e, e);
        }
    }

    /** Set {@code -Dtestinfra.kafka-logs=true} to see the broker's own INFO logs. */
    private static synchronized void quietBrokerLogs() {
        if (Boolean.getBoolean("testinfra.kafka-logs") || !QUIETED.isEmpty()) {
            return;
        }
        for (String category : BROKER_LOG_CATEGORIES) {
            Logger logger = Logger.getLogger(category);
            logger.setLevel(Level.WARNING);
            QUIETED.add(logger);
        }
    }

    /** Broker settings for a single node: everything replicated once, topics created on first use. */
    static Map<String, String> brokerConfig() {
        return Map.ofEntries(
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("num.partitions", "3"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "5"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "5"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // Behave like a released broker, not like Kafka's own development builds.
                Map.entry("unstable.api.versions.enable", "false"),
                Map.entry("unstable.feature.versions.enable", "false"));
    }

    /** Proves a client can reach the broker through the CLIENT listener (the address the service is given). */
    private void awaitReachable(Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(props)) {
            InfraSupport.await("Kafka on " + bootstrapServers(), timeout, Duration.ofMillis(200),
                    () -> admin.describeCluster().nodes().get(), null, () -> "");
        }
    }

    /**
     * Creates the topics that do not exist yet, with the broker defaults (3 partitions). Producers would create
     * them on first send, but a readiness check that verifies the topic would be DOWN until then.
     */
    public void createTopics(Collection<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.empty(), Optional.empty())).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create Kafka topics " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating Kafka topics", e);
        }
    }

    /**
     * Kafka topics of the SmallRye channels declared in {@code application.properties} on the class path
     * ({@code mp.messaging.incoming|outgoing.<channel>.connector=smallrye-kafka}; the topic is {@code .topic} or the
     * channel name), including profile-prefixed keys.
     */
    public static Set<String> topicsDeclaredInApplicationProperties() {
        Properties config = new Properties();
        ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : KafkaBroker.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream("application.properties")) {
            if (in == null) {
                return Set.of();
            }
            config.load(in);
        } catch (IOException e) {
            return Set.of();
        }
        Pattern connector = Pattern.compile(
                "^(?:%[^.]+\\.)?mp\\.messaging\\.(?:incoming|outgoing)\\.([^.]+)\\.connector$");
        Set<String> topics = new TreeSet<>();
        for (String key : config.stringPropertyNames()) {
            Matcher m = connector.matcher(key);
            if (m.matches() && "smallrye-kafka".equals(config.getProperty(key).trim())) {
                String prefix = key.substring(0, key.length() - "connector".length());
                String topic = config.getProperty(prefix + "topic", m.group(1)).trim();
                if (!topic.contains("${")) {
                    topics.add(topic);
                }
            }
        }
        return topics;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public void stop() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker did not stop cleanly", e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
