#!/usr/bin/env node
// sharp-render.mjs --out DIR [--repeat=N] [--concurrency=N] [--mode=per-variant|decode-once] [--cache] FILE…
//
// The sharp (libvips) side of the benchmark: renders Miniatura's reference catalog at fixed qualities, read from
// bench/sharp-catalog.yml (or --catalog FILE), into DIR/<file name without extension>/<variant>.jpg (.webp or .avif
// for a variant of format webp or avif, at sharp's defaults for that format but the quality)
// and prints the same lines as `miniatura-standalone.jar render`: one per file, then a summary of the
// last pass with wall time and the process's CPU time (process.cpuUsage(): every thread, libuv and libvips
// workers included), so "jobs per CPU-second" is jobs/s per core for both.
//
// Modes (how a job uses its one input buffer; see README.md):
//   per-variant  (default) the file is read once, then one sharp pipeline per variant from that buffer
//                — what a typical Node thumbnailer does; libvips decodes per pipeline, with JPEG
//                shrink-on-load (DCT scaling) picking the cheapest decode for each variant's size.
//   decode-once  decode + auto-orient once to raw sRGB pixels, then one pipeline per variant from those
//                pixels — literally one decode per job, like Miniatura (no shrink-on-load).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: sharp-render.mjs --out DIR [--repeat=N] [--concurrency=N] [--mode=per-variant|decode-once] [--cache] FILE...';

function parseArgs(argv) {
  const opts = { out: null, repeat: 1, concurrency: 1, mode: 'per-variant', cache: false, files: [], catalog: null };
  const problems = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { opts.files.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? null : arg.slice(eq + 1);
    if (name === 'out' || name === 'catalog') {
      if (value === null && i + 1 < argv.length) value = argv[++i];
      if (!value) problems.push(`--${name}: expected a path`); else opts[name] = value;
    } else if (name === 'repeat' || name === 'concurrency') {
      const n = Number.parseInt(value ?? '', 10);
      if (!(n >= 1) || String(n) !== String(value).trim()) problems.push(`--${name}: expected a positive number but was ${value ?? 'absent'}`);
      else opts[name] = n;
    } else if (name === 'mode') {
      if (value !== 'per-variant' && value !== 'decode-once') problems.push(`--mode: expected per-variant or decode-once but was ${value}`);
      else opts.mode = value;
    } else if (name === 'cache') {
      opts.cache = true;
    } else {
      problems.push(`unknown argument ${arg}`);
    }
  }
  if (!opts.out) problems.push('--out: required');
  if (opts.files.length === 0) problems.push('no files to render');
  return { opts, problems };
}

const { opts, problems } = parseArgs(process.argv.slice(2));
if (problems.length) {
  for (const p of problems) console.error(`sharp-render: ${p}`);
  console.error(USAGE);
  process.exit(2);
}

// libuv's pool runs sharp's work; size it to the concurrency before anything uses it (sharp is imported
// dynamically for that reason), so "1" really is one rendering thread.
process.env.UV_THREADPOOL_SIZE ??= String(opts.concurrency);
const { default: sharp } = await import('sharp');
const { default: yaml } = await import('js-yaml');
sharp.concurrency(1); // libvips threads per pipeline: one, so parallelism comes only from --concurrency
if (!opts.cache) sharp.cache(false); // no libvips operation cache: pass N must not reuse pass N-1's work

// ---- the catalog: the reference catalog at fixed qualities (sharp has no per-image quality) ----
const here = dirname(fileURLToPath(import.meta.url));
const catalogFile = resolve(opts.catalog ?? join(here, 'sharp-catalog.yml'));
const config = yaml.load(await readFile(catalogFile, 'utf8')).miniatura;
const defaults = config['variant-defaults'] ?? {};
const variants = [];
for (const [name, own] of Object.entries(config.variants ?? {})) {
  const v = { ...defaults, ...own };
  if (v.enabled === false) continue;
  const filters = (v.filters ?? []).map((f) => (typeof f === 'string' ? f : f.type));
  const unsupported = filters.filter((f) => f !== 'grayscale');
  if (!['jpeg', 'webp', 'avif'].includes(v.format ?? 'jpeg') || !['cover', 'inside'].includes(v.fit) || unsupported.length || v.upscale
      || v.rotate || v.flip || v.flop || (v.gravity && v.gravity !== 'center') || v.progressive
      || (v['chroma-subsampling'] && v['chroma-subsampling'] !== '4:2:0')) {
    console.error(`sharp-render: variant ${name} uses options this benchmark does not map: ${JSON.stringify(own)}`);
    process.exit(2);
  }
  variants.push({ name, width: v.width ?? null, height: v.height ?? null, fit: v.fit, quality: v.quality, format: v.format ?? 'jpeg',
    grayscale: filters.includes('grayscale') });
}

// SHARP_JPEG='{"trellisQuantisation": true}': more of sharp's JPEG options (its bundled mozjpeg's), for experiments
const jpegOptions = JSON.parse(process.env.SHARP_JPEG ?? '{}');

// One variant's pipeline on an input (a sharp instance already holding the decoded or encoded input).
function variantPipeline(input, v) {
  const resize = v.width && v.height
    ? { width: v.width, height: v.height, fit: v.fit, position: 'centre', withoutEnlargement: true }
    : { width: v.width ?? undefined, height: v.height ?? undefined, withoutEnlargement: true };
  let p = input.resize(resize);
  // Miniatura's grayscale is Rec. 601 luma "still stored as RGB": keep 3 channels so both write the same kind of JPEG.
  if (v.grayscale) p = p.grayscale().toColourspace('srgb');
  if (v.format === 'webp') return p.webp({ quality: v.quality });
  if (v.format === 'avif') return p.avif({ quality: v.quality });
  return p.jpeg({ quality: v.quality, mozjpeg: false, chromaSubsampling: '4:2:0', ...jpegOptions });
}

async function renderOne(file) {
  const started = process.hrtime.bigint();
  try {
    const bytes = await readFile(file);
    const base = basename(file).replace(/\.[^.]*$/, '') || basename(file);
    const dir = join(opts.out, base);
    await mkdir(dir, { recursive: true });
    let source;
    if (opts.mode === 'decode-once') {
      const { data, info } = await sharp(bytes).rotate().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      source = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    } else {
      source = () => sharp(bytes).rotate(); // .rotate(): EXIF auto-orient; metadata is stripped by default
    }
    for (const v of variants) { // one after the other: a job is one thread's work, as in Miniatura
      const out = await variantPipeline(source(), v).toBuffer();
      await writeFile(join(dir, `${v.name}.${v.format === 'jpeg' ? 'jpg' : v.format}`), out);
    }
    return { file, failure: null, nanos: process.hrtime.bigint() - started };
  } catch (e) {
    return { file, failure: String(e?.message ?? e), nanos: process.hrtime.bigint() - started };
  }
}

// Files in list order, at most --concurrency at a time.
async function renderAll(files) {
  const outcomes = new Array(files.length);
  let next = 0;
  async function lane() {
    while (next < files.length) {
      const i = next++;
      outcomes[i] = await renderOne(files[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, files.length) }, lane));
  return outcomes;
}

let outcomes = [];
let passNanos = 0n;
let passCpuMicros = 0;
for (let pass = 0; pass < opts.repeat; pass++) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  outcomes = await renderAll(opts.files);
  passNanos = process.hrtime.bigint() - started;
  const used = process.cpuUsage(cpu);
  passCpuMicros = used.user + used.system;
}
const failed = outcomes.filter((o) => o.failure);
for (const o of outcomes) {
  console.log(o.failure ? `${o.file}: failed: ${o.failure}` : `${o.file}: ${variants.length} variants in ${(Number(o.nanos) / 1e6).toFixed(1)} ms`);
}
const wallMs = Number(passNanos) / 1e6;
const cpuMs = passCpuMicros / 1e3;
const n = outcomes.length;
const c = opts.concurrency;
console.log(`rendered ${n - failed.length} of ${n} files in ${wallMs.toFixed(1)} ms with ${c} thread${c === 1 ? '' : 's'}: `
  + `${(n / (wallMs / 1e3)).toFixed(2)} jobs/s, ${cpuMs.toFixed(1)} ms CPU, ${(n / (cpuMs / 1e3)).toFixed(2)} jobs per CPU-second`
  + `${opts.repeat > 1 ? ` (pass ${opts.repeat} of ${opts.repeat})` : ''} [sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ${opts.mode}]`);
if (failed.length) {
  console.error(`sharp-render: ${failed.length} of ${n} files failed: ${failed.map((f) => `${f.file} (${f.failure})`).join('; ')}`);
  process.exit(1);
}
