#!/usr/bin/env python3
"""Writes the embedded Fashion-MNIST demo subset: the first 1,000 test images and labels,
as gzip IDX files with a zero gzip mtime so the output is byte-for-byte reproducible.

Source: Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
Run from the repository root: python3 tools/data/make_demo_subset.py
"""
import gzip
import struct

SOURCE = "/usr/share/datasets/fashion-mnist/"
OUT = "src/Gauntlet.Data/Demo/"
COUNT = 1000

images = gzip.open(SOURCE + "t10k-images-idx3-ubyte.gz").read()
labels = gzip.open(SOURCE + "t10k-labels-idx1-ubyte.gz").read()
with gzip.GzipFile(OUT + "demo-images-idx3-ubyte.gz", "wb", mtime=0) as f:
    f.write(struct.pack(">IIII", 0x803, COUNT, 28, 28) + images[16:16 + COUNT * 784])
with gzip.GzipFile(OUT + "demo-labels-idx1-ubyte.gz", "wb", mtime=0) as f:
    f.write(struct.pack(">II", 0x801, COUNT) + labels[8:8 + COUNT])
