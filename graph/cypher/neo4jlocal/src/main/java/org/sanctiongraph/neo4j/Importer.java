package org.sanctiongraph.neo4j;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.neo4j.cli.ContextInjectingFactory;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.importer.ImportCommand;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import picocli.CommandLine;

/**
 * Importer runs Neo4j's offline bulk importer, the engine behind
 * {@code neo4j-admin database import full}, against the store that
 * {@link Launcher} serves from the same {@code --home}: the import lands in
 * HOME/data/databases/NAME and HOME/data/transactions/NAME, which is where
 * {@code DatabaseManagementServiceBuilder(HOME)} looks for them.
 *
 * <p>Usage: {@code Importer --home DIR [--exit-on-eof] -- full [DATABASE] OPTIONS},
 * where what follows {@code --} is exactly what follows
 * {@code neo4j-admin database import}. With --exit-on-eof the importer aborts
 * when its stdin closes (the parent died or gave up).
 *
 * <p>Protocol with the process that starts it (graph/cypher/neo4jlocal): the
 * importer's own progress and messages go to stderr; stdout carries one line,
 * either "DONE nodes=N relationships=N properties=N millis=N heap_peak=BYTES
 * importer_memory_peak=BYTES" (-1 for a figure the importer did not print)
 * or "FAILED " followed by the error as a double-quoted string (backslash
 * escapes, \n for newlines), and the exit status is 0 or 1 (2 for bad usage).
 * No configuration file is read: the importer sees Neo4j's defaults, as the
 * launcher does, so the store it writes is one the launcher opens.
 */
public final class Importer {
    /** The empty configuration directory of this run, deleted when it ends. */
    private static Path confDir;

    private Importer() {}

    static final String USAGE =
            "usage: neo4j-import --home DIR [--exit-on-eof] -- <arguments of neo4j-admin database import full>";

    public static void main(String[] args) {
        // stdout is the protocol channel; anything else that prints to
        // System.out (the importer, libraries) goes to stderr instead.
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        Path home = null;
        boolean exitOnEof = false;
        String[] importArgs = null;
        for (int i = 0; i < args.length && importArgs == null; i++) {
            switch (args[i]) {
                case "--home" -> {
                    if (++i >= args.length) {
                        usage(protocol, "--home needs a value");
                    }
                    home = Path.of(args[i]).toAbsolutePath();
                }
                case "--exit-on-eof" -> exitOnEof = true;
                case "--" -> importArgs = Arrays.copyOfRange(args, i + 1, args.length);
                default -> usage(protocol, "unknown argument " + args[i]);
            }
        }
        if (home == null || importArgs == null) {
            usage(protocol, "--home and -- ARGS are required");
        }
        if (exitOnEof) {
            watchStdin();
        }

        StatsOut out = new StatsOut(System.err);
        long start = System.nanoTime();
        try {
            Files.createDirectories(home);
            // An empty configuration directory: Neo4j's defaults, nothing from
            // a neo4j.conf that the launcher would not read.
            confDir = Files.createTempDirectory("neo4j-import-conf");
            PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            ExecutionContext ctx =
                    new ExecutionContext(home, confDir, outStream, System.err, new DefaultFileSystemAbstraction());
            CommandLine cl = new CommandLine(new ImportCommand(), new ContextInjectingFactory(ctx));
            CommandLine.ParseResult parsed;
            try {
                parsed = cl.parseArgs(importArgs);
            } catch (CommandLine.ParameterException e) {
                fail(protocol, "bad importer arguments: " + e.getMessage(), 2);
                return;
            }
            if (!parsed.hasSubcommand()
                    || !(parsed.subcommand().commandSpec().userObject() instanceof ImportCommand.Full full)) {
                fail(protocol, "the importer arguments must start with \"full\"", 2);
                return;
            }
            full.execute();
            outStream.flush();
        } catch (Throwable t) {
            System.err.flush();
            fail(protocol, describe(t), 1);
            return;
        } finally {
            deleteQuietly(confDir);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        protocol.printf(
                "DONE nodes=%d relationships=%d properties=%d millis=%d heap_peak=%d importer_memory_peak=%d%n",
                out.nodes, out.relationships, out.properties, millis, heapPeak(), out.memoryPeak);
        protocol.flush();
        System.exit(0);
    }

    private static void usage(PrintStream protocol, String problem) {
        fail(protocol, problem + "\n" + USAGE, 2);
    }

    private static void fail(PrintStream protocol, String message, int status) {
        deleteQuietly(confDir); // halt runs no finally blocks
        protocol.println("FAILED " + quote(message));
        protocol.flush();
        // halt, not exit: nothing of the failed import should run on in
        // shutdown hooks or non-daemon threads.
        Runtime.getRuntime().halt(status);
    }

    /**
     * describe turns a failure into the messages of its cause chain, outermost
     * first, without stack traces and without wrappers that only repeat their
     * cause ("java.lang.RuntimeException: org.neo4j...InputException: ...").
     */
    static String describe(Throwable t) {
        List<String> parts = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m == null || m.isBlank()) {
                if (c.getCause() == null) {
                    parts.add(c.getClass().getName());
                }
                continue;
            }
            m = m.strip();
            Throwable cause = c.getCause();
            if (cause != null && m.equals(cause.toString())) {
                continue; // a wrapper made with new X(cause)
            }
            if (!parts.isEmpty() && parts.get(parts.size() - 1).contains(m)) {
                continue;
            }
            parts.add(m);
        }
        // "Error importing csv file.: ERROR in input" reads better without the full stop.
        for (int i = 0; i < parts.size() - 1; i++) {
            String p = parts.get(i);
            if (p.endsWith(".") && !p.endsWith("..")) {
                parts.set(i, p.substring(0, p.length() - 1));
            }
        }
        return String.join(": ", parts);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** heapPeak is the sum of the heap pools' peak usage since the JVM started. */
    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** watchStdin ends the JVM when stdin closes: the parent is gone or gave up. */
    private static void watchStdin() {
        Thread t = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buf = new byte[256];
                while (in.read(buf) >= 0) {
                    // Discard input; only EOF matters.
                }
            } catch (IOException ignored) {
                // A broken pipe means the parent is gone, same as EOF.
            }
            System.err.println("neo4j-import: stdin closed, aborting the import");
            Runtime.getRuntime().halt(1);
        }, "neo4j-import-stdin-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover empty temp dir is harmless.
        }
    }

    /**
     * StatsOut passes the importer's output through and picks the totals out
     * of its closing summary ("Imported:\n  N nodes\n  N relationships\n  N
     * properties", printed by the importer's DataStatistics, and "Peak
     * memory usage: 1.004GiB", the most its caches and id mapper held).
     */
    static final class StatsOut extends OutputStream {
        private static final Pattern TOTAL = Pattern.compile("^\\s+(\\d+) (nodes|relationships|properties)\\s*$");
        private static final String PEAK = "Peak memory usage: ";

        private final OutputStream next;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean inSummary;
        long nodes = -1;
        long relationships = -1;
        long properties = -1;
        long memoryPeak = -1;

        StatsOut(OutputStream next) {
            this.next = next;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            next.write(b);
            if (b == '\n') {
                endLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            next.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    endLine();
                } else {
                    line.write(b[i]);
                }
            }
        }

        @Override
        public void flush() throws IOException {
            next.flush();
        }

        private void endLine() {
            String l = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (l.startsWith(PEAK)) {
                try {
                    memoryPeak = ByteUnit.parse(l.substring(PEAK.length()));
                } catch (IllegalArgumentException ignored) {
                    // Only a statistic.
                }
            }
            if (l.endsWith("Imported:")) {
                inSummary = true;
                return;
            }
            if (!inSummary) {
                return;
            }
            Matcher m = TOTAL.matcher(l);
            if (!m.matches()) {
                inSummary = false;
                return;
            }
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "nodes" -> nodes = n;
                case "relationships" -> relationships = n;
                default -> properties = n;
            }
        }
    }
}
