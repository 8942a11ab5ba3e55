package com.miniatura.worker.render;

/**
 * What the renderer learned about the source.
 *
 * @param format      detected format: {@code jpeg}, {@code png}, {@code gif}, {@code webp}, {@code bmp} or {@code tiff}
 * @param width       width of the upright image, i.e. after applying {@code orientation}
 * @param height      height of the upright image
 * @param orientation EXIF orientation 1..8 found in the source, 1 when there is none
 */
public record SourceInfo(String format, int width, int height, int orientation) {}
