#!/usr/bin/env node
// latency.mjs [--jar=PATH] [--image=FILE] [--uploads=200] [--warmup=20] [--poll-ms=20] [--java-opts="..."]
//
// End-to-end latency of the standalone pipeline (ingest API → Kafka → worker → S3 → status): starts
// `java -jar miniatura-standalone.jar` on free ports with a temporary data dir, waits for the API's health
// to be UP (which includes the in-process worker's), then uploads one catalog-size image N times, one at a
// time (an idle pipeline), each with its own imageId, and polls GET /v1/images/{id} every --poll-ms until it
// says `rendered`. Reports p50 / p99 / max of
//   accepted → rendered : from the 202 of the upload to the first status answer saying `rendered`
//   POST → rendered     : the same, from the moment the upload was sent (what a seller's client sees)
//   POST round trip     : the upload request alone (stores the original, marks it pending, publishes)
// The first --warmup uploads (cold JIT, first Kafka fetch, …) are reported separately, not in the figures.
// The standalone is stopped (SIGTERM, then SIGKILL after 30 s) and its data dir removed at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const opts = {
  jar: resolve(here, '..', 'standalone', 'target', 'miniatura-standalone.jar'),
  image: resolve(here, '..', '..', 'shared', 'fixtures', 'images', 'catalog', 'iphone_hdr_NO-1024.jpg'),
  uploads: 200, warmup: 20, 'poll-ms': 20, 'java-opts': '', 'timeout-s': 60,
};
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z-]+)=(.*)$/.exec(arg);
  if (!m || !(m[1] in opts)) {
    console.error(`latency: unknown argument ${arg}`);
    console.error('usage: latency.mjs [--jar=PATH] [--image=FILE] [--uploads=200] [--warmup=20] [--poll-ms=20] [--java-opts="..."] [--timeout-s=60]');
    process.exit(2);
  }
  opts[m[1]] = typeof opts[m[1]] === 'number' ? Number(m[2]) : m[2];
}

const freePort = () => new Promise((ok, fail) => {
  const server = createServer();
  server.unref();
  server.on('error', fail);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => ok(port));
  });
});
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const image = await readFile(opts.image);
const dataDir = await mkdtemp(join(tmpdir(), 'miniatura-latency-'));
const [kafkaPort, controllerPort, s3Port] = [await freePort(), await freePort(), await freePort()];
const args = [...opts['java-opts'].split(/\s+/).filter(Boolean), '-jar', opts.jar,
  `--miniatura.standalone.data-dir=${dataDir}`,
  `--miniatura.standalone.kafka-port=${kafkaPort}`,
  `--miniatura.standalone.kafka-controller-port=${controllerPort}`,
  `--miniatura.standalone.s3-port=${s3Port}`,
  '--server.port=0']; // worker and ingest API both on a free port; the banner names the API's
const startedAt = now();
// Writes need an API key: this run's own, given to the standalone as its dev key.
const apiKey = `bench-${randomBytes(16).toString('hex')}`;
const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MINIATURA_DEV_API_KEY: apiKey } });
let log = '';
let apiPort = null;
const onOutput = (chunk) => {
  log += chunk;
  if (log.length > 20_000_000) log = log.slice(-10_000_000);
  const m = /ingest API\s+http:\/\/localhost:(\d+)/.exec(log);
  if (m) apiPort ??= Number(m[1]);
};
child.stdout.on('data', onOutput);
child.stderr.on('data', onOutput);
let exited = null;
const exitPromise = new Promise((ok) => child.on('exit', (code, signal) => { exited = { code, signal }; ok(); }));

async function stop() {
  if (!exited) {
    child.kill('SIGTERM');
    await Promise.race([exitPromise, sleep(30_000)]);
    if (!exited) { child.kill('SIGKILL'); await exitPromise; }
  }
  await rm(dataDir, { recursive: true, force: true });
}
async function fail(message) {
  console.error(`latency: ${message}`);
  console.error(log.split('\n').slice(-30).join('\n'));
  await stop();
  process.exit(1);
}
process.on('SIGINT', async () => { await stop(); process.exit(130); });

// ---- wait for the banner (API port) and for health UP ----
const deadline = Date.now() + 180_000;
while (apiPort === null) {
  if (exited) await fail(`the standalone exited (${JSON.stringify(exited)}) before it was ready`);
  if (Date.now() > deadline) await fail('the standalone printed no ingest API address within 180 s');
  await sleep(100);
}
const api = `http://localhost:${apiPort}`;
for (;;) {
  try {
    const r = await fetch(`${api}/actuator/health`);
    const body = await r.json();
    if (body.status === 'UP') break;
  } catch { /* not yet */ }
  if (Date.now() > deadline) await fail(`${api}/actuator/health not UP within 180 s`);
  await sleep(200);
}
const readyMs = now() - startedAt;

// ---- uploads, one at a time ----
async function one(i) {
  const imageId = `latency-${process.pid}-${i}`;
  const form = new FormData();
  form.append('imageId', imageId);
  form.append('file', new Blob([image], { type: 'image/jpeg' }), basename(opts.image));
  const sent = now();
  const r = await fetch(`${api}/v1/images`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${apiKey}` } });
  const accepted = now();
  const text = await r.text();
  if (r.status !== 202) throw new Error(`upload ${i}: HTTP ${r.status} ${text}`);
  const giveUp = accepted + opts['timeout-s'] * 1000;
  for (;;) {
    const s = await fetch(`${api}/v1/images/${imageId}`);
    const status = s.ok ? (await s.json()).status : `HTTP ${s.status}`;
    if (status === 'rendered') {
      const seen = now();
      return { post: accepted - sent, acceptedToRendered: seen - accepted, total: seen - sent };
    }
    if (status === 'failed') throw new Error(`upload ${i}: status failed`);
    if (now() > giveUp) throw new Error(`upload ${i}: still ${status} after ${opts['timeout-s']} s`);
    await sleep(opts['poll-ms']);
  }
}

const warm = [];
const measured = [];
try {
  for (let i = 0; i < opts.warmup + opts.uploads; i++) {
    (i < opts.warmup ? warm : measured).push(await one(i));
  }
} catch (e) {
  await fail(e.message);
}
const stopping = now();
await stop();
const stopMs = now() - stopping;

const fmt = (key, list) => {
  const s = list.map((x) => x[key]).sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
};
console.log(`standalone ready (health UP) in ${(readyMs / 1000).toFixed(1)} s, stopped in ${(stopMs / 1000).toFixed(1)} s (${exited.signal ?? `exit ${exited.code}`}); image ${basename(opts.image)} `
  + `(${image.length} bytes); ${opts.uploads} sequential uploads after ${opts.warmup} warm-up ones; status polled every ${opts['poll-ms']} ms`);
if (warm.length) console.log(`warm-up: first upload accepted → rendered ${warm[0].acceptedToRendered.toFixed(1)} ms (cold JVM); warm-up ${fmt('acceptedToRendered', warm)}`);
console.log(`accepted → rendered: ${fmt('acceptedToRendered', measured)}`);
console.log(`POST → rendered:     ${fmt('total', measured)}`);
console.log(`POST round trip:     ${fmt('post', measured)}`);
// The worker's own account of each job (its log line "Rendered <id> (...) into 6 variants in N ms": reading the
// status and the original from S3, rendering, storing the variants and the manifest), for the breakdown.
const workerMs = [];
for (const m of log.matchAll(/Rendered latency-\d+-(\d+) \(.*?\) into \d+ variants in (\d+) ms/g)) {
  if (Number(m[1]) >= opts.warmup) workerMs.push({ job: Number(m[2]) });
}
if (workerMs.length) console.log(`worker job (its log): ${fmt('job', workerMs)} (${workerMs.length} jobs; the rest is Kafka, HTTP and the ${opts['poll-ms']} ms polling)`);
const p = (key, q) => percentile(measured.map((x) => x[key]).sort((a, b) => a - b), q);
console.log(`LATENCY ${p('acceptedToRendered', 50).toFixed(1)} ${p('acceptedToRendered', 99).toFixed(1)} ${Math.max(...measured.map((x) => x.acceptedToRendered)).toFixed(1)}`);
process.exit(0); // keep-alive sockets or timers must not hold the run up
