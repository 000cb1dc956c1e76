#!/usr/bin/python3
"""PyTorch reference figures for Gauntlet's benchmarks (Debian python3-torch 1.13 + OpenBLAS).

Times the same workloads as `gauntlet bench`: SGEMM (torch.mm) at 256/512/1024/2048 with 1 thread
and all threads, cnn-small inference (batch 250, 1,000 images, no_grad, eval) and PGD-20 (Linf
eps 0.1, step 0.01, frozen parameters, batches of 250), the CNN figures with all cores as intra-op
threads and again with one. Prints one `key value` line per figure.
Usage: /usr/bin/python3 torch_reference.py [--quick] [--repeats N]
"""
import argparse
import os
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def best(repeats, fn):
    fn()  # warm-up
    return min(fn() for _ in range(repeats))


def sgemm_gflops(n, repeats):
    g = torch.Generator().manual_seed(n)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    c = torch.empty(n, n)
    flops = 2.0 * n ** 3
    calls = int(min(1000, max(1, 2e10 / flops)))

    def run():
        t = time.perf_counter()
        for _ in range(calls):
            torch.mm(a, b, out=c)
        return (time.perf_counter() - t) / calls

    return flops / best(repeats, run) / 1e9


def cnn_small():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--sgemm", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    repeats = 1 if args.quick else args.repeats
    if args.sgemm:
        print(f"{sgemm_gflops(args.sgemm, repeats):.1f}")
        return
    cores = os.cpu_count()
    print(f"torch {torch.__version__} cores {cores}")

    for n in ([64, 128] if args.quick else [256, 512, 1024, 2048]):
        for threads in (1, cores):
            # OpenBLAS ignores torch.set_num_threads: pin its pool in a child process.
            env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
            out = subprocess.run([sys.executable, __file__, "--sgemm", str(n), "--repeats", str(repeats)],
                                 env=env, check=True, capture_output=True, text=True).stdout.strip()
            print(f"sgemm {n} threads {threads} gflops {out}")

    torch.set_num_threads(cores)  # intra-op threads for the CNN (Debian's default here is 1)
    images, batch, steps = (40, 20, 20) if args.quick else (1000, 250, 20)
    g = torch.Generator().manual_seed(7)
    data = torch.rand(images, 1, 28, 28, generator=g)
    labels = torch.arange(images) % 10
    torch.manual_seed(0)
    model = cnn_small().eval()
    for q in model.parameters():
        q.requires_grad_(False)
    batches = [(data[i:i + batch], labels[i:i + batch]) for i in range(0, images, batch)]

    def inference():
        t = time.perf_counter()
        with torch.no_grad():
            for x, _ in batches:
                model(x)
        return time.perf_counter() - t

    def pgd():
        t = time.perf_counter()
        for x0, y in batches:
            x = x0.clone()
            for _ in range(steps):
                x.requires_grad_(True)
                loss = F.cross_entropy(model(x), y)
                (grad,) = torch.autograd.grad(loss, x)
                with torch.no_grad():
                    x = x + 0.01 * grad.sign()
                    x = torch.min(torch.max(x, x0 - 0.1), x0 + 0.1).clamp_(0, 1)
        return time.perf_counter() - t

    print(f"inference images_per_s {images / best(repeats, inference):.1f}")
    print(f"pgd{steps} images_per_s {images / best(repeats, pgd):.1f}")
    if cores > 1:
        # OpenMP's spinning threads collapse when another process holds a core; one intra-op
        # thread is often faster on a shared machine, so it is measured too.
        torch.set_num_threads(1)
        print(f"inference_1thread images_per_s {images / best(repeats, inference):.1f}")
        print(f"pgd{steps}_1thread images_per_s {images / best(repeats, pgd):.1f}")


if __name__ == "__main__":
    main()
