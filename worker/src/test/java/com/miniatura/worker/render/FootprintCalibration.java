package com.miniatura.worker.render;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: prints, for each kind of {@link FootprintInputs}, the smallest share of its {@link Footprint}
 * estimate that still renders (a bisection over {@link FootprintProbe} runs, all kinds in one JVM per round).
 * The figures in docs/reliability.md come from here:
 * {@code java -cp <test classpath> -Dminiatura.fixtures=... com.miniatura.worker.render.FootprintCalibration}.
 */
public final class FootprintCalibration {

    private FootprintCalibration() {}

    public static void main(String[] args) throws Exception {
        List<FootprintInputs.Kind> kinds = FootprintInputs.kinds();
        Map<FootprintInputs.Kind, double[]> bounds = new HashMap<>();
        Map<FootprintInputs.Kind, Long> estimates = new HashMap<>();
        for (FootprintInputs.Kind kind : kinds) {
            bounds.put(kind, new double[] {0.0, 2.0});
        }
        for (int round = 0; round < 7; round++) { // shares bisected within [0, 2]
            List<FootprintInputs.Kind> order = new ArrayList<>(kinds);
            List<String> arguments = new ArrayList<>();
            for (FootprintInputs.Kind kind : order) {
                double[] b = bounds.get(kind);
                double share = round == 0 ? 2.0 : (b[0] + b[1]) / 2;
                arguments.add(kind.file() + "|" + kind.useNative() + "|" + share + "|" + FootprintInputs.warmup(kind));
            }
            List<String> lines = run(arguments);
            for (int i = 0; i < order.size(); i++) {
                FootprintInputs.Kind kind = order.get(i);
                String[] result = lines.get(i).split(" ");
                if (round == 0) {
                    estimates.put(kind, Long.parseLong(result[1]));
                }
                double[] b = bounds.get(kind);
                double share = round == 0 ? 2.0 : (b[0] + b[1]) / 2;
                if (result[0].equals("OK")) {
                    b[1] = share;
                } else if (round == 0) {
                    b[0] = b[1] = Double.NaN; // too low an estimate: reported below
                } else {
                    b[0] = share;
                }
            }
        }
        for (FootprintInputs.Kind kind : kinds) {
            double needs = bounds.get(kind)[1];
            long estimate = estimates.get(kind);
            System.out.printf(
                    Locale.ROOT,
                    "%-34s estimate %6.1f MB, renders in %s of it (%5.1f MB)%n",
                    kind.name(),
                    estimate / 1048576.0,
                    Double.isNaN(needs) ? "NOT EVEN ALL" : String.format(Locale.ROOT, "%.2f", needs),
                    Double.isNaN(needs) ? Double.NaN : estimate * needs / 1048576.0);
        }
    }

    /** One probe JVM for all {@code arguments}; its output lines, one per argument. */
    static List<String> run(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC",
                "-Xmn2m",
                "-Xmx1g",
                "-Djava.awt.headless=true",
                "-Dminiatura.fixtures=" + System.getProperty("miniatura.fixtures"),
                "-cp",
                System.getProperty("java.class.path"),
                FootprintProbe.class.getName()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        List<String> lines =
                out.lines().filter(l -> l.matches("(OK|OOM|FAILED) .*")).toList();
        if (exit != 0 || lines.size() != arguments.size()) {
            throw new IllegalStateException("probe exited " + exit + ": " + out);
        }
        return lines;
    }
}
