#!/usr/bin/env node
// compare.mjs MINIATURA_DIR SHARP_DIR: checks that both renderers drew the same geometry (every
// <name>/<variant>.jpg present in both with the same width x height) and compares their outputs:
// bytes per variant (sum over files) and PSNR of Miniatura's pixels against sharp's (same size only).
// Exit status 1 if any variant is missing on one side or differs in size.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

const [mtDir, shDir] = process.argv.slice(2);
if (!mtDir || !shDir) {
  console.error('usage: compare.mjs MINIATURA_DIR SHARP_DIR');
  process.exit(2);
}
sharp.cache(false);

async function pixels(file) {
  const { data, info } = await sharp(file).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

const perVariant = new Map(); // variant -> { mtBytes, shBytes, se, samples, n }
const mismatches = [];
let checked = 0;
for (const name of (await readdir(mtDir)).sort()) {
  for (const file of (await readdir(join(mtDir, name))).sort()) {
    const a = join(mtDir, name, file);
    const b = join(shDir, name, file);
    let bStat;
    try { bStat = await stat(b); } catch { mismatches.push(`${name}/${file}: missing from ${shDir}`); continue; }
    const [pa, pb] = [await pixels(a), await pixels(b)];
    const variant = file.replace(/\.[^.]*$/, '');
    const acc = perVariant.get(variant) ?? { mtBytes: 0, shBytes: 0, se: 0, samples: 0, n: 0, dims: [] };
    acc.mtBytes += (await stat(a)).size;
    acc.shBytes += bStat.size;
    acc.n++;
    checked++;
    if (pa.info.width !== pb.info.width || pa.info.height !== pb.info.height) {
      mismatches.push(`${name}/${file}: Miniatura ${pa.info.width}x${pa.info.height}, sharp ${pb.info.width}x${pb.info.height}`);
    } else {
      for (let i = 0; i < pa.data.length; i++) {
        const d = pa.data[i] - pb.data[i];
        acc.se += d * d;
      }
      acc.samples += pa.data.length;
    }
    perVariant.set(variant, acc);
  }
}
console.log(`geometry: ${checked} outputs compared, ${mismatches.length === 0 ? 'every width x height identical' : `${mismatches.length} differ`}`);
for (const m of mismatches) console.log(`  ${m}`);
console.log('variant  files  Miniatura KiB  sharp KiB  size ratio  PSNR(Miniatura vs sharp)');
for (const [variant, acc] of [...perVariant].sort()) {
  const psnr = acc.samples ? 10 * Math.log10((255 * 255) / (acc.se / acc.samples)) : NaN;
  console.log(`${variant.padEnd(8)} ${String(acc.n).padStart(5)}  ${(acc.mtBytes / 1024).toFixed(1).padStart(13)}  ${(acc.shBytes / 1024).toFixed(1).padStart(9)}`
    + `  ${(acc.mtBytes / acc.shBytes).toFixed(2).padStart(10)}  ${psnr.toFixed(1).padStart(7)} dB`);
}
process.exit(mismatches.length ? 1 : 0);
