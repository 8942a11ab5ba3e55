package com.miniatura.worker.render.codec;

import com.luciad.imageio.webp.CompressionType;
import com.luciad.imageio.webp.WebPImageWriterSpi;
import com.luciad.imageio.webp.WebPWriteParam;
import com.miniatura.common.catalog.ChromaSubsampling;
import com.miniatura.common.catalog.OutputFormat;
import com.miniatura.common.catalog.VariantSpec;
import com.miniatura.worker.render.Avif;
import com.miniatura.worker.render.Deadline;
import com.miniatura.worker.render.TurboJpeg;
import com.miniatura.worker.render.resample.OpaqueResample;
import com.miniatura.worker.render.resample.Planes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOWriteProgressListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.NodeList;

/**
 * The {@code encode} step (per variant): pixels → bytes.
 *
 * <p>Privacy by construction: no source metadata reaches this step (decoding keeps only the orientation and
 * the copyright text), and the writers are given only what is built here. By default a JPEG carries a JFIF
 * header and nothing else, a PNG only its critical chunks, a WebP only its image chunks; no EXIF, GPS, XMP,
 * ICC profile or maker note. A variant with {@code keep-copyright} gets the copyright text alone: an EXIF
 * block with one tag (JPEG APP1, WebP {@code EXIF} chunk) or a PNG {@code tEXt} chunk.
 *
 * <p>Each format's writer is picked by its provider class, not by ImageIO's registration order, so adding an
 * ImageIO plugin to the classpath can never silently change the bytes we write:
 * <ul>
 *   <li>JPEG: libjpeg-turbo ({@link TurboJpeg#encode}, {@link #planes}) when installed, writing the file the JDK's
 *       writer writes; otherwise, or should it fail, the JDK's writer.</li>
 *   <li>JPEG and PNG: the JDK's own writers. TwelveMonkeys registers a JPEG writer ahead of the JDK's, but it
 *       only wraps the JDK writer to add CMYK output (which we never produce); going straight to the JDK writer
 *       keeps its documented metadata tree (sampling factors, markers) and {@link JPEGImageWriteParam}
 *       without a delegate in between.</li>
 *   <li>WebP: the usefulness/webp-imageio writer, which runs libwebp (natives bundled). TwelveMonkeys only
 *       reads WebP.</li>
 *   <li>AVIF: libavif with libaom ({@link Avif}), the system's; there is no pure-Java AV1 encoder.</li>
 * </ul>
 */
public final class Encode {

    private static final Logger log = LoggerFactory.getLogger(Encode.class);

    public static final String JDK_JPEG_WRITER = "com.sun.imageio.plugins.jpeg.JPEGImageWriterSpi";
    public static final String JDK_PNG_WRITER = "com.sun.imageio.plugins.png.PNGImageWriterSpi";
    public static final String WEBP_WRITER = WebPImageWriterSpi.class.getName();

    private static final String JPEG_TREE = "javax_imageio_jpeg_image_1.0";
    private static final String PNG_TREE = "javax_imageio_png_1.0";
    private static final int APP1 = 0xE1;

    private Encode() {}

    /**
     * Encodes {@code image} with the variant's format and options. {@code image} is packed int RGB, or ARGB for
     * PNG and WebP (JPEG callers flatten alpha first). {@code copyrightOrNull} is written only when the variant
     * keeps the copyright; see {@link ExifWriter#cleanCopyright} for how the text is tidied.
     */
    public static byte[] apply(BufferedImage image, VariantSpec spec, String copyrightOrNull) {
        return apply(image, spec, copyrightOrNull, Deadline.NONE);
    }

    /**
     * As {@link #apply(BufferedImage, VariantSpec, String)}; a writer that reports progress (JPEG, PNG) is aborted
     * once {@code deadline} has passed, and the encode ends in {@link Deadline.Expired}.
     */
    public static byte[] apply(BufferedImage image, VariantSpec spec, String copyrightOrNull, Deadline deadline) {
        return apply(image, spec, copyrightOrNull, deadline, Optional.empty());
    }

    /**
     * As {@link #apply(BufferedImage, VariantSpec, String, Deadline)}, with JPEGs encoded by libjpeg-turbo when
     * {@code turbo} is present and writes optimised Huffman tables ({@link TurboJpeg#encodesOptimised}): the same
     * quantisation tables, sampling factors, DCT and markers as the JDK's writer, in about half its time. Should
     * libjpeg-turbo fail, the JDK's writer encodes.
     */
    public static byte[] apply(
            BufferedImage image,
            VariantSpec spec,
            String copyrightOrNull,
            Deadline deadline,
            Optional<TurboJpeg> turbo) {
        String copyright = spec.keepCopyright() ? ExifWriter.cleanCopyright(copyrightOrNull) : null;
        return switch (spec.format()) {
            case JPEG ->
                turbo.filter(TurboJpeg::encodesOptimised)
                        .map(t -> nativeJpeg(t, image, spec, copyright, deadline))
                        .orElseGet(() -> jpeg(image, spec, copyright, deadline));
            case PNG -> png(image, copyright, deadline);
            case WEBP -> webp(image, spec, copyright, deadline);
            case AVIF -> avif(image, spec, copyright, deadline);
        };
    }

    /**
     * JPEG with explicit quality, optimized Huffman tables, optional progressive scans and the chosen chroma
     * subsampling. The JDK writer takes sampling factors only from the image metadata, so the default metadata
     * for this image type is fetched (with the param, so it already describes a progressive frame when asked)
     * and its frame header edited; the copyright, if any, goes in as an APP1 segment after JFIF's APP0.
     */
    private static byte[] jpeg(BufferedImage image, VariantSpec spec, String copyright, Deadline deadline) {
        if (image.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException("JPEG output needs an opaque image: flatten alpha first");
        }
        BufferedImage bgr = bgr(image);
        return write(bgr, "jpeg", JDK_JPEG_WRITER, deadline, writer -> {
            JPEGImageWriteParam param = (JPEGImageWriteParam) writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality(spec) / 100f);
            param.setOptimizeHuffmanTables(true); // a few % smaller for free; thumbnails are small
            param.setProgressiveMode(spec.progressive() ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);

            IIOMetadata metadata =
                    writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bgr), param);
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(JPEG_TREE);
            IIOMetadataNode markers = (IIOMetadataNode)
                    root.getElementsByTagName("markerSequence").item(0);
            setSampling((IIOMetadataNode) markers.getElementsByTagName("sof").item(0), spec.chromaSubsampling());
            if (copyright != null) {
                IIOMetadataNode exif = new IIOMetadataNode("unknown");
                exif.setAttribute("MarkerTag", Integer.toString(APP1));
                exif.setUserObject(ExifWriter.jpegApp1(copyright));
                markers.insertBefore(exif, markers.getFirstChild());
            }
            metadata.setFromTree(JPEG_TREE, root);
            return new Job(param, metadata);
        });
    }

    /** The JPEG from libjpeg-turbo, or null when it failed (the caller then has the JDK's writer encode). */
    private static byte[] nativeJpeg(
            TurboJpeg turbo, BufferedImage image, VariantSpec spec, String copyright, Deadline deadline) {
        if (image.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException("JPEG output needs an opaque image: flatten alpha first");
        }
        deadline.poll("encoding");
        BufferedImage bgr = OpaqueResample.plain(image);
        byte[] jpeg;
        try {
            jpeg = turbo.encode(
                    OpaqueResample.bytes(bgr),
                    bgr.getWidth(),
                    bgr.getHeight(),
                    bgr.getWidth() * 3,
                    SUBSAMPLING.get(spec.chromaSubsampling()),
                    quality(spec),
                    spec.progressive());
        } catch (TurboJpeg.Failure e) {
            log.warn(
                    "libjpeg-turbo could not encode a {}x{} JPEG ({}): the JDK's writer encodes it",
                    bgr.getWidth(),
                    bgr.getHeight(),
                    e.getMessage());
            return null;
        }
        deadline.poll("encoding");
        return copyright == null ? jpeg : afterApp0(jpeg, ExifWriter.jpegApp1(copyright));
    }

    /**
     * A JPEG variant's YCbCr planes (4:2:0, as {@code VariantSteps} hands them over) encoded by libjpeg-turbo as
     * {@link #apply} would encode the same pixels in BGR: the variant's quality, scan mode and copyright. Should
     * libjpeg-turbo fail, the planes are converted and encoded the usual way.
     */
    public static byte[] planes(
            Planes planes, VariantSpec spec, String copyrightOrNull, Deadline deadline, TurboJpeg turbo) {
        if (spec.format() != OutputFormat.JPEG
                || spec.chromaSubsampling() != ChromaSubsampling.S420
                || planes.sx() != 2
                || planes.sy() != 2) {
            throw new IllegalArgumentException("planes are encoded only as 4:2:0 JPEG");
        }
        String copyright = spec.keepCopyright() ? ExifWriter.cleanCopyright(copyrightOrNull) : null;
        deadline.poll("encoding");
        byte[] jpeg;
        try {
            jpeg = turbo.encodeYuv(
                    planes.data(),
                    planes.width(),
                    planes.height(),
                    TurboJpeg.Subsampling.S420,
                    quality(spec),
                    spec.progressive());
        } catch (TurboJpeg.Failure e) {
            log.warn(
                    "libjpeg-turbo could not encode {}x{} planes ({}): converted and encoded again",
                    planes.width(),
                    planes.height(),
                    e.getMessage());
            return apply(planes.toBgr(deadline), spec, copyrightOrNull, deadline, Optional.empty());
        }
        deadline.poll("encoding");
        return copyright == null ? jpeg : afterApp0(jpeg, ExifWriter.jpegApp1(copyright));
    }

    /** {@code jpeg} with {@code segment} (a payload for APP1) inserted after its JFIF APP0, as the JDK writer places it. */
    static byte[] afterApp0(byte[] jpeg, byte[] payload) {
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        }
        int length = payload.length + 2;
        byte[] out = new byte[jpeg.length + 2 + length];
        System.arraycopy(jpeg, 0, out, 0, at);
        out[at] = (byte) 0xFF;
        out[at + 1] = (byte) APP1;
        out[at + 2] = (byte) (length >> 8);
        out[at + 3] = (byte) length;
        System.arraycopy(payload, 0, out, at + 4, payload.length);
        System.arraycopy(jpeg, at, out, at + 4 + payload.length, jpeg.length - at);
        return out;
    }

    private static final Map<ChromaSubsampling, TurboJpeg.Subsampling> SUBSAMPLING = new EnumMap<>(Map.of(
            ChromaSubsampling.S420, TurboJpeg.Subsampling.S420,
            ChromaSubsampling.S422, TurboJpeg.Subsampling.S422,
            ChromaSubsampling.S444, TurboJpeg.Subsampling.S444));

    /**
     * The pixels as {@code TYPE_3BYTE_BGR}, the layout the JDK JPEG writer hands to libjpeg without converting
     * each pixel through the colour model: encoding from it takes about a third less time than from packed
     * ints, and gives the same bytes.
     */
    public static BufferedImage bgr(BufferedImage image) {
        // a BGR subimage view is written as it is (the writer reads views); anything else is copied to plain BGR
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR ? image : OpaqueResample.plain(image);
    }

    /** Luma gets the subsampling's factors, both chroma components 1×1 (so 4:2:0 is Y 2×2, Cb 1×1, Cr 1×1). */
    private static void setSampling(IIOMetadataNode sof, ChromaSubsampling chroma) {
        NodeList components = sof.getElementsByTagName("componentSpec");
        for (int i = 0; i < components.getLength(); i++) {
            IIOMetadataNode component = (IIOMetadataNode) components.item(i);
            component.setAttribute("HsamplingFactor", Integer.toString(i == 0 ? chroma.horizontal() : 1));
            component.setAttribute("VsamplingFactor", Integer.toString(i == 0 ? chroma.vertical() : 1));
        }
    }

    /**
     * PNG as the JDK writes it by default (IHDR, IDAT, IEND; alpha kept for ARGB), plus a {@code Copyright}
     * text chunk when asked. {@code tEXt} rather than {@code eXIf}: "Copyright" is one of PNG's predefined
     * keywords, every PNG reader shows text chunks, while {@code eXIf} is a late extension that many readers
     * ignore. Text outside Latin-1 (which {@code tEXt} cannot hold) goes into an uncompressed {@code iTXt}.
     */
    private static byte[] png(BufferedImage image, String copyright, Deadline deadline) {
        return write(image, "png", JDK_PNG_WRITER, deadline, writer -> {
            if (copyright == null) {
                return new Job(null, null);
            }
            IIOMetadata metadata =
                    writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
            IIOMetadataNode root = new IIOMetadataNode(PNG_TREE);
            if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(copyright)) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", "Copyright");
                entry.setAttribute("value", copyright);
                root.appendChild(node("tEXt", entry));
            } else {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", "Copyright");
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", copyright);
                root.appendChild(node("iTXt", entry));
            }
            metadata.mergeTree(PNG_TREE, root);
            return new Job(null, metadata);
        });
    }

    /**
     * WebP through libwebp: lossy at the variant's quality, or lossless (libwebp's default effort; quality
     * does not apply). Alpha is kept when the image has any. Lossless drops the colour of fully transparent
     * pixels (libwebp's default, which makes files smaller and changes nothing visible). The copyright goes in
     * an {@code EXIF} chunk, which needs the extended container: see {@link WebpContainer}.
     */
    private static byte[] webp(BufferedImage image, VariantSpec spec, String copyright, Deadline deadline) {
        byte[] webp = write(image, "webp", WEBP_WRITER, deadline, writer -> {
            WebPWriteParam param = (WebPWriteParam) writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            if (spec.lossless()) {
                param.setCompressionType(CompressionType.Lossless);
            } else {
                param.setCompressionType(CompressionType.Lossy);
                param.setCompressionQuality(quality(spec) / 100f);
            }
            return new Job(param, null);
        });
        return copyright == null ? webp : WebpContainer.withExif(webp, ExifWriter.copyrightTiff(copyright));
    }

    /**
     * AVIF through libavif ({@link Avif}): opaque 4:2:0 at the variant's quality, the copyright in an Exif item. The
     * worker refuses at startup a catalog that lists {@code avif} without libavif, so its absence here is a defect.
     */
    private static byte[] avif(BufferedImage image, VariantSpec spec, String copyright, Deadline deadline) {
        if (image.getColorModel().hasAlpha()) {
            throw new IllegalArgumentException("AVIF output needs an opaque image: flatten alpha first");
        }
        Avif avif = Avif.load().orElseThrow(() -> new IllegalStateException(Avif.absence()));
        deadline.poll("encoding");
        BufferedImage bgr = OpaqueResample.plain(image);
        byte[] pixels = OpaqueResample.bytes(bgr);
        byte[] encoded;
        try {
            encoded = avif.encode(
                    pixels,
                    bgr.getWidth(),
                    bgr.getHeight(),
                    quality(spec),
                    copyright == null ? null : ExifWriter.copyrightTiff(copyright),
                    deadline.remainingNanos());
        } catch (Avif.Busy e) {
            throw new Deadline.Expired("waiting to encode AVIF"); // the render's time ran out in the queue
        } catch (Avif.Failure e) {
            throw new IllegalStateException(
                    "libavif could not encode a " + bgr.getWidth() + "x" + bgr.getHeight() + " AVIF: " + e.getMessage(),
                    e);
        }
        deadline.poll("encoding");
        return encoded;
    }

    private static int quality(VariantSpec spec) {
        return Math.max(1, Math.min(100, spec.quality()));
    }

    private static IIOMetadataNode node(String name, IIOMetadataNode child) {
        IIOMetadataNode node = new IIOMetadataNode(name);
        node.appendChild(child);
        return node;
    }

    /** What a writer is given besides the pixels; {@code null}s mean the writer's defaults. */
    private record Job(ImageWriteParam param, IIOMetadata metadata) {}

    private interface Setup {
        public Job of(ImageWriter writer) throws IOException;
    }

    private static byte[] write(
            BufferedImage image, String formatName, String provider, Deadline deadline, Setup setup) {
        ImageWriter writer = writer(formatName, provider);
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(Math.max(1024, image.getWidth() * image.getHeight() / 4));
        boolean[] aborted = {false};
        if (deadline != Deadline.NONE) {
            writer.addIIOWriteProgressListener(new IIOWriteProgressListener() {
                @Override
                public void imageProgress(ImageWriter source, float percentageDone) {
                    if (!aborted[0] && deadline.expired()) {
                        aborted[0] = true;
                        source.abort();
                    }
                }

                @Override
                public void imageStarted(ImageWriter source, int imageIndex) {}

                @Override
                public void imageComplete(ImageWriter source) {}

                @Override
                public void thumbnailStarted(ImageWriter source, int imageIndex, int thumbnailIndex) {}

                @Override
                public void thumbnailProgress(ImageWriter source, float percentageDone) {}

                @Override
                public void thumbnailComplete(ImageWriter source) {}

                @Override
                public void writeAborted(ImageWriter source) {}
            });
        }
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            Job job = setup.of(writer);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, job.metadata()), job.param());
        } catch (IOException e) {
            if (aborted[0]) {
                throw new Deadline.Expired("encoding");
            }
            throw new UncheckedIOException("encoding " + formatName + " in memory failed", e);
        } finally {
            writer.dispose();
        }
        if (aborted[0] || deadline.expired()) {
            throw new Deadline.Expired("encoding"); // an aborted writer returns a partial file
        }
        return bytes.toByteArray();
    }

    /** A fresh writer from the named provider (writers are not thread-safe, so one per call). */
    public static ImageWriter writer(String formatName, String provider) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(formatName);
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getOriginatingProvider().getClass().getName().equals(provider)) {
                return writer;
            }
            writer.dispose();
        }
        throw new IllegalStateException("no " + formatName + " writer from " + provider + " on the classpath");
    }
}
