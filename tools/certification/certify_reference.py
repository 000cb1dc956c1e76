#!/usr/bin/python3
"""PyTorch reference for `gauntlet certify`: Cohen et al.'s CERTIFY run on the same model and images.

1. Trains Gauntlet's cnn-small architecture (conv 3x3 1->32, ReLU, max-pool 2, conv 3x3 32->64,
   ReLU, max-pool 2, flatten, linear 1600->128, ReLU, linear 128->10) on the Fashion-MNIST
   training split with Gaussian noise augmentation (sigma 0.25 added to every training image,
   Cohen et al.'s recipe), 2 epochs, Adam 1e-3, batch 128, seed 0; exports it to ONNX:
   tests/Gauntlet.Defenses.Tests/Certification/Fixtures/fmnist_cnn_small_gaussian_0.25.onnx
2. On the first IMAGES test images (the first images of Gauntlet's embedded demo subset) runs
   Cohen et al.'s CERTIFY (their core.py's steps: n0 draws pick cA by argmax, n fresh draws
   count nA, pA_lower = statsmodels proportion_confint(nA, n, alpha=2*alpha, method="beta")[0],
   abstain if pA_lower < 0.5 else radius = sigma * norm.ppf(pA_lower)), with sigma 0.25, n0 64,
   n 512, alpha 0.001, and, for a more precise estimate of each image's class probabilities under
   noise, counts of N_PRECISE further draws.
3. Writes tests/Gauntlet.Defenses.Tests/Certification/Fixtures/certify_reference.json with the
   settings, the clean logits (to check Gauntlet runs the same network), and per image: label,
   cA, nA, pA_lower, prediction, radius, and the precise class counts.

Run from the repository root with Debian's interpreter (a few minutes on 2 idle CPU cores):
  /usr/bin/python3 tools/certification/certify_reference.py
With --from-onnx it skips training and certifies the committed ONNX model (its weights loaded
back into the same torch module); the committed JSON was made that way, after the training run.
"""
import gzip
import json
import os
import time

import sys

import numpy as np
import onnx
from onnx import numpy_helper
import scipy.stats as st
import statsmodels
import torch
import torch.nn as nn
from statsmodels.stats.proportion import proportion_confint

ROOT = "/usr/share/datasets/fashion-mnist/"
FIXTURES = os.path.join("tests", "Gauntlet.Defenses.Tests", "Certification", "Fixtures")
ONNX_PATH = os.path.join(FIXTURES, "fmnist_cnn_small_gaussian_0.25.onnx")
JSON_PATH = os.path.join(FIXTURES, "certify_reference.json")

SIGMA = 0.25
N0 = 64
N = 512
ALPHA = 0.001
BATCH = 512
IMAGES = 6
N_PRECISE = 2000
SEED = 0


def idx(path, offset):
    return np.frombuffer(gzip.open(ROOT + path).read(), dtype=np.uint8, offset=offset)


def cnn_small():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def sample_counts(model, x, num, generator):
    """Their _sample_noise: batches of noisy copies of one image, argmax of the logits, counts per class."""
    counts = np.zeros(10, dtype=np.int64)
    remaining = num
    with torch.no_grad():
        while remaining > 0:
            m = min(BATCH, remaining)
            remaining -= m
            batch = x.repeat((m, 1, 1, 1))
            noise = torch.randn(batch.shape, generator=generator) * SIGMA
            predictions = model(batch + noise).argmax(1)
            counts += np.bincount(predictions.numpy(), minlength=10)
    return counts


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    train_x = torch.tensor(idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28), dtype=torch.float32) / 255
    train_y = torch.tensor(idx("train-labels-idx1-ubyte.gz", 8), dtype=torch.long)
    test_x = torch.tensor(idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)[:1000], dtype=torch.float32) / 255
    test_y = torch.tensor(idx("t10k-labels-idx1-ubyte.gz", 8)[:1000], dtype=torch.long)

    model = cnn_small()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    started = time.time()
    # --from-onnx: skip training and certify the model already exported (its weights loaded back).
    from_onnx = "--from-onnx" in sys.argv
    if from_onnx:
        weights = {i.name: torch.tensor(numpy_helper.to_array(i)) for i in onnx.load(ONNX_PATH).graph.initializer}
        model.load_state_dict(weights)
    for epoch in range(0 if from_onnx else 2):
        model.train()
        order = torch.randperm(len(train_x))
        for i in range(0, len(order), 128):
            b = order[i:i + 128]
            x = train_x[b] + torch.randn_like(train_x[b]) * SIGMA  # Gaussian augmentation, not clipped (Cohen et al.)
            loss = nn.functional.cross_entropy(model(x), train_y[b])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            clean = (model(test_x).argmax(1) == test_y).float().mean().item()
            noisy = (model(test_x + torch.randn_like(test_x) * SIGMA).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, demo-subset accuracy clean {clean:.3f}, under noise {noisy:.3f} ({time.time() - started:.0f} s)")

    model.eval()
    os.makedirs(FIXTURES, exist_ok=True)
    if not from_onnx:
        torch.onnx.export(model, test_x[:1], ONNX_PATH, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=13)

    generator = torch.Generator().manual_seed(SEED)
    rows = []
    for i in range(IMAGES):
        x = test_x[i]
        selection = sample_counts(model, x, N0, generator)
        c_a = int(selection.argmax())
        estimation = sample_counts(model, x, N, generator)
        n_a = int(estimation[c_a])
        lower = float(proportion_confint(n_a, N, alpha=2 * ALPHA, method="beta")[0])
        abstain = lower < 0.5
        precise = sample_counts(model, x, N_PRECISE, generator)
        rows.append({
            "index": i, "label": int(test_y[i]), "guess": c_a, "count_a": n_a, "p_a_lower": lower,
            "prediction": -1 if abstain else c_a, "radius": 0.0 if abstain else float(SIGMA * st.norm.ppf(lower)),
            "precise_counts": precise.tolist(),
        })
        print(f"image {i}: label {rows[-1]['label']}, cA {c_a}, nA {n_a}/{N}, radius {rows[-1]['radius']:.3f}, precise pA {precise[c_a] / N_PRECISE:.4f}")

    with torch.no_grad():
        logits = model(test_x[:IMAGES]).numpy()
    doc = {
        "torch_version": torch.__version__, "statsmodels_version": statsmodels.__version__,
        "model": os.path.basename(ONNX_PATH), "images": "first test images of Fashion-MNIST (Gauntlet's embedded demo subset)",
        "training": {"architecture": "cnn-small", "augmentation_sigma": SIGMA, "epochs": 2, "optimizer": "adam", "lr": 1e-3, "batch": 128, "seed": SEED},
        "params": {"sigma": SIGMA, "n0": N0, "n": N, "alpha": ALPHA, "batch": BATCH, "precise_draws": N_PRECISE},
        "clean_logits": [[float(f"{v:.9g}") for v in row] for row in logits],
        "samples": rows,
    }
    with open(JSON_PATH, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(ONNX_PATH, os.path.getsize(ONNX_PATH), "bytes;", JSON_PATH, os.path.getsize(JSON_PATH), "bytes")


if __name__ == "__main__":
    main()
