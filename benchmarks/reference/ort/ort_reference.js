#!/usr/bin/env node
// ONNX Runtime (CPU) reference for `gauntlet bench`: cnn-small inference on the same model and
// images that `gauntlet bench --export DIR` writes (DIR/cnn-small.onnx, DIR/images.f32), in
// batches of 250 with a fixed number of intra-op threads. Prints `key value` lines like
// torch_reference.py. Usage: node ort_reference.js DIR [--threads N] [--batch N] [--repeats N]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ort = require('onnxruntime-node');

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

async function main() {
  const args = process.argv.slice(2);
  const dir = args[0];
  if (!dir) {
    console.error('usage: node ort_reference.js DIR [--threads N] [--batch N] [--repeats N]');
    process.exit(2);
  }
  const threads = option(args, '--threads', os.availableParallelism());
  const batch = option(args, '--batch', 250);
  const repeats = option(args, '--repeats', 3);

  const bytes = fs.readFileSync(path.join(dir, 'images.f32'));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const perImage = 28 * 28;
  const images = all.length / perImage;
  const session = await ort.InferenceSession.create(path.join(dir, 'cnn-small.onnx'), {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const input = session.inputNames[0];
  const batches = [];
  for (let start = 0; start + batch <= images; start += batch) {
    const data = all.subarray(start * perImage, (start + batch) * perImage);
    batches.push(new ort.Tensor('float32', data, [batch, 1, 28, 28]));
  }

  async function pass() {
    const t = process.hrtime.bigint();
    for (const x of batches) {
      await session.run({ [input]: x });
    }
    return Number(process.hrtime.bigint() - t) / 1e9;
  }

  await pass(); // warm-up
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    best = Math.min(best, await pass());
  }

  console.log(`onnxruntime ${ort.env.versions.node} threads ${threads} batch ${batch} images ${batches.length * batch}`);
  console.log(`ort_inference images_per_s ${(batches.length * batch / best).toFixed(1)}`);
}

main().catch((e) => {
  console.error(`ort_reference: ${e.message}`);
  process.exit(1);
});
