package dev.kiln.spark;

import dev.kiln.cli.Coordinators;
import dev.kiln.collective.Coordinator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's service that gives each attempt of the barrier stage a coordinator of its own: a
 * Rabit tracker serves one group once, and a failed group's is not reusable. The first task of
 * attempt k to ask (over TCP, on {@code kiln.distributed.host} and an ephemeral port) starts its
 * coordinator and closes those of earlier attempts, whose workers are gone; the other tasks of
 * attempt k get the same one. So no coordinator waits for an attempt that never comes, and none
 * starts long before its workers join (its connect timeout runs from its start).
 *
 * <p>The protocol, one line each way per connection: the task sends its stage attempt number; the
 * service answers with the coordinates as {@code key=value} lines and an empty line, or a line
 * {@code error=<message>}. See {@link WorkerTask#coordinates}. A task whose worker refused its
 * input (exit code 2: a config, data or run directory problem that only the executor sees, such as
 * a data file that is not on shared storage) sends {@code bad-input <message>} instead and gets no
 * answer: the driver then stops the job rather than let Spark retry what would fail alike.
 */
final class AttemptCoordinators implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptCoordinators.class);

    private final Coordinators coordinators;
    private final ServerSocket server;
    private final Thread thread;
    private final Map<Integer, Coordinator> byAttempt = new TreeMap<>();
    private final Consumer<String> onBadInput;
    private volatile String badInput;

    /** The request of a task whose worker refused its input: the line's prefix. */
    static final String BAD_INPUT = "bad-input ";

    private AttemptCoordinators(
            Coordinators coordinators, ServerSocket server, Consumer<String> onBadInput) {
        this.coordinators = coordinators;
        this.onBadInput = onBadInput;
        this.server = server;
        this.thread = new Thread(this::serve, "kiln-attempt-coordinators");
        thread.setDaemon(true);
    }

    /**
     * Starts the service.
     *
     * @param coordinators starts one coordinator; the service listens on their address
     * @param onBadInput called once, with the worker's message, when a worker refused its input
     *     (exit code 2): another attempt would fail alike
     * @return the running service
     * @throws IOException when it cannot listen there
     */
    static AttemptCoordinators start(Coordinators coordinators, Consumer<String> onBadInput)
            throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(coordinators.host()), 0));
        AttemptCoordinators service = new AttemptCoordinators(coordinators, server, onBadInput);
        service.thread.start();
        return service;
    }

    /** @return the address it listens on */
    String host() {
        return coordinators.host();
    }

    /** @return the port it listens on */
    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(60_000);
                BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(
                                        socket.getInputStream(), StandardCharsets.UTF_8));
                Writer out =
                        new PrintWriter(socket.getOutputStream(), false, StandardCharsets.UTF_8);
                String line = in.readLine();
                StringBuilder answer = new StringBuilder();
                if (line != null && line.startsWith(BAD_INPUT)) {
                    badInput(line.substring(BAD_INPUT.length()));
                    continue;
                }
                try {
                    int attempt = Integer.parseInt(line == null ? "" : line.trim());
                    forAttempt(attempt)
                            .coordinates()
                            .forEach((k, v) -> answer.append(k).append('=').append(v).append('\n'));
                    answer.append('\n');
                } catch (RuntimeException e) {
                    answer.setLength(0);
                    answer.append("error=")
                            .append(String.valueOf(e.getMessage()).replace('\n', ' '))
                            .append('\n');
                }
                out.write(answer.toString());
                out.flush();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("a task's request for the coordinates failed: {}", e.toString());
                }
            }
        }
    }

    private void badInput(String message) {
        synchronized (this) {
            if (badInput != null) {
                return;
            }
            badInput = message;
        }
        onBadInput.accept(message);
    }

    /**
     * @return the message of the first worker that refused its input (exit code 2), such as
     *     {@code rank 1: <file>:<line>: <key>: ...}; null when none did
     */
    String badInput() {
        return badInput;
    }

    private synchronized Coordinator forAttempt(int attempt) {
        Coordinator coordinator = byAttempt.get(attempt);
        if (coordinator == null) {
            byAttempt.forEach(
                    (earlier, c) -> {
                        if (earlier < attempt) {
                            c.close();
                        }
                    });
            coordinator = coordinators.start();
            byAttempt.put(attempt, coordinator);
            LOG.info("Stage attempt {}: coordinator {}", attempt, coordinator);
        }
        return coordinator;
    }

    /** Stops listening and closes every coordinator started. */
    @Override
    public synchronized void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing more to close
        }
        byAttempt.values().forEach(Coordinator::close);
    }
}
