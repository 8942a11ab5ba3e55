package com.miniatura.worker.render.codec;

import static com.miniatura.worker.render.codec.Bytes.u16be;

/**
 * A walk over a JPEG's marker segments, the one every JPEG reader in this package uses: {@link #next} steps over
 * fill bytes (0xFF before a marker) and the markers without a length (SOI, TEM, RST0-7) and stops at the next
 * segment, at EOI, or where the walk cannot go on; {@link #entropyEnd} finds the end of a scan's entropy-coded
 * data. One cursor serves a whole walk: it holds the last segment read, nothing is allocated per segment.
 *
 * <p>Lengths are read, not judged: a segment whose length is under 2 or runs past the data is reported as
 * {@link Step#BAD_LENGTH} with its fields as read, and the walk may go on from where that length points. What
 * to refuse, and how, stays with each reader.
 */
final class JpegSegments {

    static final int TEM = 0x01;
    static final int RST0 = 0xD0;
    static final int RST7 = 0xD7;
    static final int SOI = 0xD8;
    static final int EOI = 0xD9;
    static final int SOS = 0xDA;

    /** Where {@link #next} stopped. */
    enum Step {
        /** A marker segment with a length of at least 2 that lies within the data. */
        SEGMENT,
        /** A marker segment whose length is under 2 or runs past the data; its fields are set as read. */
        BAD_LENGTH,
        /** The EOI marker (at {@link #offset}). */
        EOI,
        /** The data ends before the next marker, or inside a segment's length. */
        END,
        /** A byte other than 0xFF where a marker must start (at {@link #position}). */
        LOST_SYNC;

        /** Whether a segment was read ({@link #SEGMENT} or {@link #BAD_LENGTH}). */
        boolean segment() {
            return this == SEGMENT || this == BAD_LENGTH;
        }
    }

    private final byte[] b;
    private final boolean standalone;
    private int pos;
    private int marker = -1;
    private int offset = -1;
    private int length = -1;

    private JpegSegments(byte[] b, int from, boolean standalone) {
        this.b = b;
        this.pos = from;
        this.standalone = standalone;
    }

    /** A walk of {@code b} from {@code from}, the offset of a marker (2 after SOI). */
    static JpegSegments from(byte[] b, int from) {
        return new JpegSegments(b, from, true);
    }

    /**
     * A walk that reads every marker but fill bytes as a segment with a length, SOI, TEM, RSTn and EOI included:
     * how {@link JpegHeader} reads the part before the first scan, where none of those belongs.
     */
    static JpegSegments everyMarkerWithLength(byte[] b, int from) {
        return new JpegSegments(b, from, false);
    }

    /** Whether {@code marker} stands alone, without a length: SOI, TEM, RST0-7. */
    static boolean standalone(int marker) {
        return marker == SOI || marker == TEM || (marker >= RST0 && marker <= RST7);
    }

    /** Steps to the next segment or to where the walk stops; after a segment, {@link #position} is its end. */
    Step next() {
        int n = b.length;
        while (true) {
            if (pos + 1 >= n) {
                return Step.END;
            }
            if ((b[pos] & 0xFF) != 0xFF) {
                return Step.LOST_SYNC;
            }
            int m = b[pos + 1] & 0xFF;
            if (m == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (standalone) {
                if (m == EOI) {
                    marker = m;
                    offset = pos;
                    length = 0;
                    pos += 2;
                    return Step.EOI;
                }
                if (standalone(m)) {
                    pos += 2;
                    continue;
                }
            }
            if (pos + 4 > n) {
                return Step.END;
            }
            marker = m;
            offset = pos;
            length = u16be(b, pos + 2);
            pos += 2 + length;
            return length < 2 || pos > n ? Step.BAD_LENGTH : Step.SEGMENT;
        }
    }

    /**
     * Skips the entropy-coded data that follows the segment just read (a scan header), to the next marker.
     *
     * @return the new {@link #position}: that marker's offset, or the data's length when there is none
     */
    int skipEntropy() {
        pos = entropyEnd(b, pos);
        return pos;
    }

    /** The last segment's (or EOI's) marker: 0xDA for SOS, ... */
    int marker() {
        return marker;
    }

    /** The offset of the last segment's 0xFF marker byte. */
    int offset() {
        return offset;
    }

    /** The last segment's length field: its payload's length plus 2. */
    int length() {
        return length;
    }

    /** The offset of the last segment's payload, after its length field. */
    int payload() {
        return offset + 4;
    }

    /** Just past the last segment, as its length says (beyond the data for a {@link Step#BAD_LENGTH}). */
    int end() {
        return offset + 2 + length;
    }

    /** Where the walk goes on from. */
    int position() {
        return pos;
    }

    /**
     * The offset of the first marker at or after {@code from} that ends entropy-coded data, or {@code b.length}
     * when there is none: stuffed bytes (0xFF00), restart markers and fill bytes are data.
     */
    static int entropyEnd(byte[] b, int from) {
        int n = b.length;
        int pos = from;
        while (pos < n) {
            if ((b[pos] & 0xFF) != 0xFF) {
                pos++;
                continue;
            }
            if (pos + 1 >= n) {
                return n;
            }
            int next = b[pos + 1] & 0xFF;
            if (next == 0x00 || (next >= RST0 && next <= RST7)) {
                pos += 2;
            } else if (next == 0xFF) {
                pos++; // fill byte
            } else {
                return pos;
            }
        }
        return n;
    }
}
