package com.miniatura.ingest.rerender;

import com.miniatura.ingest.rerender.RerenderOptions.ProgressStyle;
import com.miniatura.ingest.rerender.RunStats.Count;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows how a run goes: on a terminal a bar redrawn in place four times a second, otherwise (a Kubernetes Job's
 * log) a line every ten seconds; both with the rate of events and the time left.
 *
 * <pre>
 * rerender [##########..............]  41%  41,230 listed  12,004 published  1,998/s  ETA 0:02:31
 * rerender: 41% - 41,230 listed, 12,004 published, 1,998 events/s, ETA 0:02:31
 * </pre>
 */
final class Progress {
    static final Duration LOG_EVERY = Duration.ofSeconds(10);
    private static final int WIDTH = 24;

    private final RunStats stats;
    private final boolean bar;
    private final boolean enabled;
    private final PrintStream out;
    private final PrintStream terminal = System.err;
    private ScheduledExecutorService timer;
    private long startNanos;
    private double startFraction;
    private long startPublished;

    Progress(RunStats stats, ProgressStyle style, PrintStream out) {
        this.stats = stats;
        this.out = out;
        ProgressStyle chosen = style == ProgressStyle.AUTO
                ? (System.console() != null ? ProgressStyle.BAR : ProgressStyle.LOG)
                : style;
        this.bar = chosen == ProgressStyle.BAR;
        this.enabled = chosen != ProgressStyle.NONE;
    }

    void start() {
        startNanos = System.nanoTime();
        startFraction = stats.fraction();
        startPublished = stats.count(Count.PUBLISHED);
        if (!enabled) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "rerender-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = bar ? 250 : LOG_EVERY.toMillis();
        timer.scheduleAtFixedRate(() -> show(false), every, every, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.shutdownNow();
            show(true);
        }
    }

    private void show(boolean last) {
        String line = line(
                stats.fraction(),
                stats.count(Count.LISTED),
                stats.count(Count.PUBLISHED),
                (System.nanoTime() - startNanos) / 1e9);
        if (bar) {
            terminal.print("\r" + line + (last ? "\n" : ""));
            terminal.flush();
        } else if (!last) {
            out.println("rerender: " + line);
        }
    }

    /** One progress report: the bar (on a terminal) or the log line's text. */
    String line(double fraction, long listed, long published, double seconds) {
        double rate = seconds > 0 ? (published - startPublished) / seconds : 0;
        String eta = eta(fraction, seconds);
        if (bar) {
            int filled = (int) Math.round(fraction * WIDTH);
            return String.format(
                    Locale.ROOT,
                    "rerender [%s%s] %3d%%  %,d listed  %,d published  %,.0f/s  ETA %s",
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    (int) (fraction * 100),
                    listed,
                    published,
                    rate,
                    eta);
        }
        return String.format(
                Locale.ROOT,
                "%d%% - %,d listed, %,d published, %,.0f events/s, ETA %s",
                (int) (fraction * 100),
                listed,
                published,
                rate,
                eta);
    }

    /** Time left at the pace of this process so far (a resumed run does not count what came before it). */
    private String eta(double fraction, double seconds) {
        double done = fraction - startFraction;
        if (done <= 0.001 || seconds < 1) {
            return "-:--:--";
        }
        return hms((long) (seconds * (1 - fraction) / done));
    }

    static String hms(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** The rate of events since this process started, for the metrics. */
    double rate() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds > 0 ? (stats.count(Count.PUBLISHED) - startPublished) / seconds : 0;
    }
}
