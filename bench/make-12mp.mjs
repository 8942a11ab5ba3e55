#!/usr/bin/env node
// make-12mp.mjs OUTDIR COUNT FILE…: picks the COUNT largest (by pixel count) of the given photos and writes
// a 12-megapixel copy of each (same aspect ratio, upright, JPEG q92) into OUTDIR; prints one line per photo:
// "<source path> <w>x<h> <MP> -> <12 MP path> <w>x<h>". For the RSS figure: the fixture corpus holds no
// 12 MP photo, and decoding memory depends on the pixel count, not on where the pixels came from.
import { basename, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import sharp from 'sharp';

const [outDir, countArg, ...files] = process.argv.slice(2);
const count = Number.parseInt(countArg ?? '', 10);
if (!outDir || !(count >= 1) || files.length === 0) {
  console.error('usage: make-12mp.mjs OUTDIR COUNT FILE...');
  process.exit(2);
}
await mkdir(outDir, { recursive: true });
const sized = [];
for (const file of files) {
  const m = await sharp(file).metadata();
  const turned = (m.orientation ?? 1) >= 5;
  sized.push({ file, width: turned ? m.height : m.width, height: turned ? m.width : m.height });
}
sized.sort((a, b) => b.width * b.height - a.width * a.height);
for (const s of sized.slice(0, count)) {
  const scale = Math.sqrt(12e6 / (s.width * s.height));
  const width = Math.round(s.width * scale);
  const height = Math.round(s.height * scale);
  const out = join(outDir, basename(s.file).replace(/\.[^.]*$/, '') + '-12mp.jpg');
  await sharp(s.file).rotate().resize(width, height, { fit: 'fill' }).jpeg({ quality: 92 }).toFile(out);
  console.log(`${s.file} ${s.width}x${s.height} ${(s.width * s.height / 1e6).toFixed(1)} MP -> ${out} ${width}x${height}`);
}
