package com.miniatura.ingest.auth;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failed authentications per client address, so that keys and signatures cannot be guessed at the API's full rate.
 * Each address has a token bucket of {@code perAddress} failures, refilled greedily over the {@code window} (one
 * failure back every {@code window / perAddress}); once it is empty, the address's writes are refused before their
 * credentials are checked until a failure is back. A success takes nothing and gives nothing back, so one valid key
 * does not buy guesses at another.
 *
 * <p>An IPv6 address counts as its /64, which one host usually owns whole. Only addresses that failed are
 * remembered, at most {@code maxAddresses}: beyond, the one whose last failure is oldest (and so whose bucket is
 * the fullest) is forgotten, so an attacker with many addresses cannot grow the heap. Per process, like the keys'
 * rate limit: with {@code n} replicas an address gets up to {@code n} times its failures.
 */
public final class FailedAuthentications {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** What {@link InetAddress#getByName} parses as an IPv6 literal, or refuses, without looking a name up. */
    private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]{1,44}");
    /** An address that is neither (what a proxy may write, e.g. {@code unknown}) counts as its first characters. */
    private static final int MAX_OTHER_LENGTH = 64;

    private static final long NEVER = Long.MIN_VALUE;

    /**
     * An address that has used up its failures.
     *
     * @param address           the address as counted (an IPv6 address as its /64)
     * @param retryAfterSeconds until the window gives a failure back, at least 1
     * @param announce          whether this is the address's first refusal within the window, to be logged
     */
    public record Blocked(String address, long retryAfterSeconds, boolean announce) {}

    private final AuthSettings.FailureLimit limit;
    private final LongSupplier nanoTime;
    private final TimeMeter meter;
    private final Bandwidth bandwidth;
    /** Insertion order is the order of last failures: the eldest failed longest ago. Guarded by itself. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public FailedAuthentications(AuthSettings.FailureLimit limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.nanoTime = nanoTime;
        this.meter = new NanoTimeMeter(nanoTime);
        this.bandwidth = Bandwidth.builder()
                .capacity(limit.perAddress())
                .refillGreedy(limit.perAddress(), limit.window())
                .build();
    }

    public AuthSettings.FailureLimit limit() {
        return limit;
    }

    /** Null while {@code remoteAddr} may still fail; else how long until it may try again. */
    public Blocked check(String remoteAddr) {
        String address = group(remoteAddr);
        synchronized (entries) {
            Entry entry = entries.get(address);
            if (entry == null) {
                return null;
            }
            EstimationProbe probe = entry.bucket.estimateAbilityToConsume(1);
            if (probe.canBeConsumed()) {
                return null;
            }
            long now = nanoTime.getAsLong();
            boolean announce = entry.announced == NEVER
                    || now - entry.announced >= limit.window().toNanos();
            if (announce) {
                entry.announced = now;
            }
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            return new Blocked(address, seconds, announce);
        }
    }

    /** Counts a failed authentication from {@code remoteAddr}. */
    public void failed(String remoteAddr) {
        String address = group(remoteAddr);
        synchronized (entries) {
            Entry entry = entries.remove(address); // put back last: the most recent failure
            if (entry == null) {
                entry = new Entry(Bucket.builder()
                        .withCustomTimePrecision(meter)
                        .withSynchronizationStrategy(SynchronizationStrategy.NONE)
                        .addLimit(bandwidth)
                        .build());
            }
            entries.put(address, entry);
            // past the bucket's end when requests checked at once all fail: the debt lengthens the wait
            entry.bucket.consumeIgnoringRateLimits(1);
            Iterator<Entry> eldest = entries.values().iterator();
            while (entries.size() > limit.maxAddresses()) {
                eldest.next();
                eldest.remove();
            }
        }
    }

    /** Addresses remembered now: at most {@code maxAddresses}. */
    public int addresses() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /**
     * The address as counted: an IPv4 address as it is, an IPv6 address as its /64 ({@code 2001:db8:0:1::/64}), an
     * IPv4-mapped IPv6 address as the IPv4 one. Only literals are parsed, so no name is ever looked up.
     */
    static String group(String remoteAddr) {
        String text = remoteAddr == null ? "" : remoteAddr.trim();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        int zone = text.indexOf('%');
        if (zone >= 0 && text.indexOf(':') >= 0) {
            text = text.substring(0, zone);
        }
        Matcher ipv4 = IPV4.matcher(text);
        if (ipv4.matches()) {
            int[] octets = new int[4];
            for (int i = 0; i < 4; i++) {
                octets[i] = Integer.parseInt(ipv4.group(i + 1));
            }
            if (Arrays.stream(octets).allMatch(octet -> octet <= 255)) {
                return octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3];
            }
        } else if (IPV6.matcher(text).matches()) {
            try {
                InetAddress address = InetAddress.getByName(text); // a literal: parsed or refused, never resolved
                if (address instanceof Inet6Address) {
                    byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
                    Arrays.fill(prefix, 8, 16, (byte) 0);
                    String network = InetAddress.getByAddress(prefix).getHostAddress(); // 2001:db8:0:1:0:0:0:0
                    return network.substring(0, network.length() - "0:0:0:0".length()) + ":/64";
                }
                if (address instanceof Inet4Address) {
                    return address.getHostAddress();
                }
            } catch (UnknownHostException e) {
                // not an address after all: counted as written
            }
        }
        String other = text.toLowerCase(Locale.ROOT);
        return other.length() > MAX_OTHER_LENGTH ? other.substring(0, MAX_OTHER_LENGTH) : other;
    }

    private static final class Entry {
        final Bucket bucket;
        /** When the address's refusal was last logged, by {@code nanoTime}. */
        long announced = NEVER;

        Entry(Bucket bucket) {
            this.bucket = bucket;
        }
    }
}
