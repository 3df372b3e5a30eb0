package org.sanctiongraph.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Launcher runs Neo4j Community embedded, with a Bolt connector on a loopback
 * address, for development and tests on machines without Docker.
 *
 * <p>Protocol with the process that starts it (graph/cypher/neo4jlocal): one
 * line "READY bolt://HOST:PORT" on stdout once the default database accepts
 * transactions (PORT is the bound port, so --port 0 is safe), and "STOPPED"
 * after a clean shutdown. SIGTERM and SIGINT shut down cleanly. With
 * --exit-on-eof the launcher also shuts down when its stdin closes, so a parent
 * that dies without signalling does not leave an orphan holding the store lock.
 *
 * <p>Authentication is off: the connector only listens on loopback and the
 * instance is for one developer or one test run. Use docker-compose.yml (or a
 * managed Neo4j) for anything shared.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-embedded: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(opts.home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(opts.host, opts.port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(opts.host, opts.port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, opts.pageCacheBytes)
                .setConfig(GraphDatabaseSettings.transaction_timeout, opts.txTimeout)
                // Bolt waits 5 s per connector by default for idle connections to
                // drain on shutdown; a local instance needs none of that.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                .build();

        // Neo4j replaces the JVM's default SIGTERM/SIGINT handling, which would
        // skip shutdown hooks; take both signals back so the store is closed
        // cleanly (checkpoint, lock released) before the process exits.
        AtomicBoolean shuttingDown = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            if (shuttingDown.compareAndSet(false, true)) {
                dbms.shutdown();
                System.out.println("STOPPED");
                System.out.flush();
                stopped.countDown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-embedded-shutdown-hook"));
        SignalHandler onSignal = sig -> new Thread(() -> {
            stop.run();
            System.exit(0);
        }, "neo4j-embedded-signal-" + sig.getName()).start();
        Signal.handle(new Signal("TERM"), onSignal);
        Signal.handle(new Signal("INT"), onSignal);

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(5))) {
            System.err.println("neo4j-embedded: database did not become available within 5 minutes");
            System.exit(1);
        }
        HostnamePort bolt = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        System.out.println("READY bolt://" + bolt.getHost() + ":" + bolt.getPort());
        System.out.flush();

        if (opts.exitOnEof) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // Discard input; only EOF matters.
                    }
                } catch (IOException ignored) {
                    // A broken pipe means the parent is gone, same as EOF.
                }
                stop.run();
                System.exit(0);
            }, "neo4j-embedded-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    static final class Options {
        static final String USAGE = "usage: neo4j-embedded --home DIR [--host 127.0.0.1] [--port 7687]"
                + " [--pagecache-mb 256] [--tx-timeout-s 120] [--exit-on-eof]";

        Path home;
        String host = "127.0.0.1";
        int port = 7687;
        long pageCacheBytes = ByteUnit.mebiBytes(256);
        Duration txTimeout = Duration.ofSeconds(120);
        boolean exitOnEof;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> o.home = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--host" -> o.host = value(args, ++i, a);
                    case "--port" -> o.port = intValue(args, ++i, a, 0, 65535);
                    case "--pagecache-mb" -> o.pageCacheBytes = ByteUnit.mebiBytes(intValue(args, ++i, a, 8, 1 << 20));
                    case "--tx-timeout-s" -> o.txTimeout = Duration.ofSeconds(intValue(args, ++i, a, 0, 86400));
                    case "--exit-on-eof" -> o.exitOnEof = true;
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (o.home == null) {
                throw new IllegalArgumentException("--home is required");
            }
            if (!o.host.equals("localhost") && !o.host.startsWith("127.") && !o.host.equals("::1")) {
                throw new IllegalArgumentException("--host must be a loopback address, got " + o.host);
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static int intValue(String[] args, int i, String flag, int min, int max) {
            String v = value(args, i, flag);
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a number, got " + v);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        }
    }
}
