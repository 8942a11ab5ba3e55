package com.miniatura.ingest.rerender;

import com.miniatura.common.storage.Freshness.Verdict;
import com.miniatura.ingest.rerender.RunStats.Count;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The run's counters in Prometheus' text format at {@code http://:PORT/metrics}, for a Kubernetes Job to be
 * scraped while it runs (the JDK's own HTTP server: the command starts no web stack).
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    static MetricsServer start(int port, RunStats stats) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = scrape(stats).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(null);
        server.start();
        return new MetricsServer(server);
    }

    static String scrape(RunStats stats) {
        StringBuilder b = new StringBuilder();
        String run = stats.run().replace("\\", "\\\\").replace("\"", "\\\"");
        counter(
                b,
                "miniatura_rerender_listed_total",
                "Originals listed or key-file lines read",
                run,
                stats.count(Count.LISTED));
        counter(
                b,
                "miniatura_rerender_published_total",
                "Re-render events published (or, in a dry run, that would be)",
                run,
                stats.count(Count.PUBLISHED));
        counter(
                b,
                "miniatura_rerender_variants_total",
                "Variants those events ask to render",
                run,
                stats.count(Count.VARIANTS));
        counter(
                b,
                "miniatura_rerender_unusable_total",
                "Originals skipped for an unusable key or imageId",
                run,
                stats.count(Count.UNUSABLE));
        counter(
                b,
                "miniatura_rerender_manifests_read_total",
                "Manifests read to decide what is missing",
                run,
                stats.count(Count.MANIFESTS_READ));
        b.append("# HELP miniatura_rerender_images_total Images by what their manifest said (mode missing)\n")
                .append("# TYPE miniatura_rerender_images_total counter\n");
        for (Verdict v : Verdict.values()) {
            b.append(String.format(
                    Locale.ROOT,
                    "miniatura_rerender_images_total{run=\"%s\",verdict=\"%s\"} %d%n",
                    run,
                    RunStats.verdictKey(v).substring("verdict:".length()),
                    stats.verdict(v)));
        }
        b.append(
                        "# HELP miniatura_rerender_progress_ratio How far the run is, 0..1\n# TYPE miniatura_rerender_progress_ratio gauge\n")
                .append(String.format(
                        Locale.ROOT, "miniatura_rerender_progress_ratio{run=\"%s\"} %.4f%n", run, stats.fraction()));
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, String run, long value) {
        b.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append('\n')
                .append("# TYPE ")
                .append(name)
                .append(" counter\n")
                .append(String.format(Locale.ROOT, "%s{run=\"%s\"} %d%n", name, run, value));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
