package com.miniatura.common.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Names the format of a source from its bytes: one of {@link InputFormat}, or a refusal that says what the file
 * is. The API and the worker both ask this class, so an upload the API takes is one the worker decodes.
 *
 * <p>We sniff ourselves instead of asking ImageIO which reader "can decode" the bytes: the reader is then chosen
 * deliberately, not by plugin registration order, and sellers get told what they uploaded ("AVIF", "a text
 * file") rather than "not a recognised image". The file name and the declared content type are never trusted:
 * a text file named {@code .jpg} is a text file.
 */
public final class FormatSniffer {

    /** How far into a text file we look for {@code <svg} (Illustrator puts long comments before it). */
    static final int TEXT_SCAN = 64 * 1024;

    private FormatSniffer() {}

    /** The format of {@code source} (non-empty), or a refusal naming what it is. */
    public static InputFormat sniff(byte[] source) throws UnsupportedFormatException {
        return sniff(SourceBytes.of(source));
    }

    /** The format of {@code b} (non-empty), or a refusal naming what it is. */
    public static InputFormat sniff(SourceBytes b) throws UnsupportedFormatException {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return jpeg(b);
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return InputFormat.PNG;
        }
        if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
            return InputFormat.GIF;
        }
        if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
            return InputFormat.WEBP;
        }
        if (ascii(b, 0, "BM") && b.length() >= 18 && isBmpInfoHeaderSize(u32le(b, 14))) {
            return InputFormat.BMP;
        }
        if (ascii(b, 0, "II*\0") || ascii(b, 0, "MM\0*")) {
            return tiff(b);
        }
        if (ascii(b, 0, "II+\0") || ascii(b, 0, "MM\0+")) {
            throw unsupportedImage("BigTIFF");
        }
        if (ascii(b, 4, "ftyp")) {
            throw new UnsupportedFormatException(isoMedia(b));
        }
        if (startsWith(b, 0, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)
                || startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
            throw unsupportedImage("JPEG 2000");
        }
        if (startsWith(b, 0, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)
                || startsWith(b, 0, 0xFF, 0x0A)) {
            throw unsupportedImage("JPEG XL");
        }
        if (ascii(b, 0, "%PDF-")) {
            throw new UnsupportedFormatException("PDF document, not an image");
        }
        if (ascii(b, 0, "8BPS")) {
            throw unsupportedImage("Photoshop document (PSD)");
        }
        if (startsWith(b, 0, 0, 0, 1, 0) && b.length() >= 6 && u16le(b, 4) > 0) {
            throw unsupportedImage("Windows icon (ICO)");
        }
        if (startsWith(b, 0, 0, 0, 2, 0) && b.length() >= 6 && u16le(b, 4) > 0) {
            throw unsupportedImage("Windows cursor (CUR)");
        }
        if (startsWith(b, 0, 0x1F, 0x8B)) {
            throw new UnsupportedFormatException("gzip archive, not an image");
        }
        if (ascii(b, 0, "PK\3\4")) {
            throw new UnsupportedFormatException("ZIP archive, not an image");
        }
        String text = text(b);
        if (text != null) {
            throw new UnsupportedFormatException(describeText(text));
        }
        // never the bytes themselves: a reason is public, and the file is not the reader's
        throw new UnsupportedFormatException("not a recognised image");
    }

    /**
     * JPEG, unless its frame header (the first SOF marker) is a coding process we deliberately refuse: lossless
     * JPEG is medical-imaging and camera-raw territory, never a seller's photo, even where a decoder could read it.
     */
    private static InputFormat jpeg(SourceBytes b) throws UnsupportedFormatException {
        long pos = 2;
        while (pos + 4 <= b.length()) {
            if (b.u8(pos) != 0xFF) {
                return InputFormat.JPEG; // lost sync: let the decoder say what is wrong
            }
            int marker = b.u8(pos + 1);
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                pos += 2;
                continue;
            }
            switch (marker) {
                case 0xC0, 0xC1, 0xC2:
                    return InputFormat.JPEG; // baseline, extended sequential, progressive (Huffman)
                case 0xC3, 0xC7, 0xCB, 0xCF:
                    throw unsupportedImage("lossless JPEG");
                case 0xC5, 0xC6, 0xCD, 0xCE:
                    throw unsupportedImage("hierarchical JPEG");
                case 0xC9, 0xCA:
                    throw unsupportedImage("arithmetic-coded JPEG");
                case 0xF7:
                    throw unsupportedImage("JPEG-LS");
                case 0xDA, 0xD9:
                    return InputFormat.JPEG; // scan before any frame header: corrupt, the decoder reports it
                default:
                    pos += 2 + u16be(b, pos + 2);
            }
        }
        return InputFormat.JPEG; // truncated before the frame header: the decoder reports it
    }

    /** TIFF, unless it is a camera raw file built on TIFF (its first page is a preview, not the photo). */
    private static InputFormat tiff(SourceBytes b) throws UnsupportedFormatException {
        if (ascii(b, 8, "CR")) {
            throw unsupportedImage("Canon raw (CR2)");
        }
        if (ifd0HasTag(b, 0xC612)) {
            throw unsupportedImage("camera raw (DNG)");
        }
        return InputFormat.TIFF;
    }

    /** Whether the first IFD of a TIFF (header at 0) has an entry with {@code tag}; entries cut short do not count. */
    private static boolean ifd0HasTag(SourceBytes b, int tag) {
        boolean little = b.u8(0) == 'I';
        if (b.length() < 8 || u16(b, 2, little) != 42) {
            return false;
        }
        long ifd = u32(b, 4, little);
        if (ifd < 8 || ifd + 2 > b.length()) {
            return false;
        }
        int count = u16(b, ifd, little);
        for (int i = 0; i < count; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > b.length()) {
                return false;
            }
            if (u16(b, entry, little) == tag) {
                return true;
            }
        }
        return false;
    }

    /** ISO base media (HEIF/AVIF, MP4, QuickTime, CR3): named by the major and compatible brands of {@code ftyp}. */
    private static String isoMedia(SourceBytes b) {
        long boxSize = b.length() >= 4 ? u32be(b, 0) : 0;
        long end = Math.min(b.length(), Math.max(16, boxSize));
        String major = latin1(b, 8, 4);
        boolean avif = isAny(major, "avif", "avis");
        boolean heic = isAny(major, "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1");
        for (long pos = 16; pos + 4 <= end; pos += 4) {
            String brand = latin1(b, pos, 4);
            avif |= isAny(brand, "avif", "avis");
        }
        if (avif) {
            return "AVIF" + "; " + InputFormat.ACCEPTED;
        }
        if (heic) {
            return "HEIC" + "; " + InputFormat.ACCEPTED;
        }
        if (major.equals("crx ")) {
            return "Canon raw (CR3)" + "; " + InputFormat.ACCEPTED;
        }
        if (major.equals("qt  ")) {
            return "QuickTime video, not an image";
        }
        if (major.startsWith("3g")) {
            return "3GP video, not an image";
        }
        if (isAny(major, "isom", "iso2", "mp41", "mp42", "avc1", "M4V ", "dash")) {
            return "MP4 video, not an image";
        }
        return "ISO media file, not an image";
    }

    private static String describeText(String text) {
        String start = text.stripLeading().toLowerCase(Locale.ROOT);
        if (start.startsWith("<!doctype html") || start.startsWith("<html")) {
            return "HTML page, not an image"; // checked first: a page may contain inline <svg>
        }
        if (start.startsWith("<") && start.contains("<svg")) {
            return "SVG" + "; " + InputFormat.ACCEPTED; // <svg, or <?xml / <!DOCTYPE svg / comments before it
        }
        if (start.startsWith("<?xml")) {
            return "XML document, not an image";
        }
        return "text, not an image";
    }

    /**
     * The first bytes as text when they are text: valid UTF-8 (a cut multi-byte character at the end of the
     * scanned prefix is tolerated) with no control characters but tab, line breaks and form feed.
     */
    private static String text(SourceBytes source) {
        int start = startsWith(source, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        byte[] b = source.read(0, start + TEXT_SCAN);
        int end = b.length;
        if (end <= start) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, start, trimPartialUtf8(b, start, end, source.length()) - start))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F) {
                return null;
            }
        }
        return text;
    }

    /** {@code end} moved back over an incomplete UTF-8 sequence that the scan window cut. */
    private static int trimPartialUtf8(byte[] b, int start, int end, long sourceLength) {
        if (end == sourceLength) {
            return end;
        }
        int i = end;
        while (i > start && i > end - 4 && (b[i - 1] & 0xC0) == 0x80) {
            i--;
        }
        return i > start && (b[i - 1] & 0xC0) == 0xC0 ? i - 1 : end;
    }

    /** Sizes of the BMP info headers in use (OS/2 1.x and 2.x, Windows v1 to v5). */
    private static boolean isBmpInfoHeaderSize(long size) {
        return size == 12
                || size == 16
                || size == 40
                || size == 52
                || size == 56
                || size == 64
                || size == 108
                || size == 124;
    }

    private static UnsupportedFormatException unsupportedImage(String what) {
        return new UnsupportedFormatException(what + "; " + InputFormat.ACCEPTED);
    }

    private static boolean isAny(String value, String... options) {
        for (String option : options) {
            if (value.equals(option)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(SourceBytes b, long offset, int... prefix) {
        if (b.length() < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.u8(offset + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(SourceBytes b, long offset, String prefix) {
        if (b.length() < offset + prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b.u8(offset + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String latin1(SourceBytes b, long offset, int length) {
        return offset + length <= b.length() ? new String(b.read(offset, length), StandardCharsets.ISO_8859_1) : "";
    }

    private static int u16be(SourceBytes b, long offset) {
        return offset + 2 <= b.length() ? (b.u8(offset) << 8) | b.u8(offset + 1) : 0;
    }

    private static long u32be(SourceBytes b, long offset) {
        return ((long) u16be(b, offset) << 16) | u16be(b, offset + 2);
    }

    private static int u16le(SourceBytes b, long offset) {
        return (b.u8(offset + 1) << 8) | b.u8(offset);
    }

    private static long u32le(SourceBytes b, long offset) {
        return ((long) u16le(b, offset + 2) << 16) | u16le(b, offset);
    }

    private static int u16(SourceBytes b, long offset, boolean little) {
        return little ? u16le(b, offset) : u16be(b, offset);
    }

    private static long u32(SourceBytes b, long offset, boolean little) {
        return little ? u32le(b, offset) : u32be(b, offset);
    }
}
