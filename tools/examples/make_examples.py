#!/usr/bin/env python3
"""Writes the README's example test set, examples/fashion-test-40.npz: Fashion-MNIST test
images 1,000-1,039 (the 40 right after the embedded demo subset, so a model trained with
`--data demo` has never seen them) as x (uint8 [40, 28, 28]) and y (int64 [40]).

Standard library only (the .npy header is written by hand, as numpy.save writes it, format
1.0); the zip members carry a fixed timestamp so the output is byte-for-byte reproducible.
Source: Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist).
Run from the repository root: python3 tools/examples/make_examples.py
"""
import gzip
import struct
import zipfile

SOURCE = "/usr/share/datasets/fashion-mnist/"
OUT = "examples/fashion-test-40.npz"
START, COUNT = 1000, 40


def npy(descr, shape, data):
    """One .npy file, format 1.0: magic, header padded to a multiple of 64 bytes, raw data."""
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (descr, dims)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + data


images = gzip.open(SOURCE + "t10k-images-idx3-ubyte.gz").read()[16 + START * 784:16 + (START + COUNT) * 784]
labels = gzip.open(SOURCE + "t10k-labels-idx1-ubyte.gz").read()[8 + START:8 + START + COUNT]
with zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
    for name, blob in [("x.npy", npy("|u1", (COUNT, 28, 28), images)),
                       ("y.npy", npy("<i8", (COUNT,), struct.pack("<%dq" % COUNT, *labels)))]:
        z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
