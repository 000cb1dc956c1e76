#!/usr/bin/env python3
"""Corpus samples that need only the Python standard library (issue 24: false positives and
callable severities). make_corpus.py calls add(); run alone, this script rewrites just its own
files in an existing corpus and its manifest entries, so it works without torch:

    python3 tools/scanner-corpus/extra_samples.py tests/Gauntlet.Scanner.Tests/Fixtures/corpus
"""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gap_samples  # noqa: E402

NOTE_PREFIX = "[extra] "


# ---------------------------------------------------------------- ZipCrypto (PKWARE traditional encryption)
def _crc_byte(crc, b):
    return zlib.crc32(bytes([b]), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF


class _ZipCrypto:
    def __init__(self, password):
        self.k = [0x12345678, 0x23456789, 0x34567890]
        for b in password:
            self._update(b)

    def _update(self, b):
        k0 = _crc_byte(self.k[0], b)
        k1 = ((self.k[1] + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = _crc_byte(self.k[2], k1 >> 24)
        self.k = [k0, k1, k2]

    def encrypt(self, data):
        out = bytearray()
        for p in data:
            t = (self.k[2] | 2) & 0xFFFF
            out.append(p ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            self._update(p)
        return bytes(out)


def encrypted_zip(members, password=b"secret"):
    """A zip whose members are ZipCrypto-encrypted, as `zip -e` writes them: (name, data, deflate)."""
    out, central = bytearray(), bytearray()
    for i, (name, data, deflate) in enumerate(members):
        crc = zlib.crc32(data)
        body = zlib.compress(data, 9)[2:-4] if deflate else data
        header = bytes(range(11)) + bytes([crc >> 24])  # 11 fixed "random" bytes, then the CRC check byte
        enc = _ZipCrypto(password).encrypt(header + body)
        method = 8 if deflate else 0
        n = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 1, method, 0, 0, crc, len(enc), len(data), len(n), 0) + n + enc
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 1, method, 0, 0, crc, len(enc), len(data),
                               len(n), 0, 0, 0, 0, 0, offset) + n
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def plain_zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------- minimal ONNX protobuf
def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num, data):
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _fvarint(num, value):
    return _varint(num << 3) + _varint(value)


def onnx_external(location):
    """ModelProto: an Add node over input x and an initializer w whose data lives in `location`."""
    entry = lambda k, v: _field(13, _field(1, k.encode()) + _field(2, v.encode()))  # noqa: E731
    tensor = (_fvarint(1, 4) + _fvarint(2, 1) + _field(8, b"w") + entry("location", location)
              + entry("offset", "0") + entry("length", "16") + _fvarint(14, 1))
    node = _field(1, b"x") + _field(1, b"w") + _field(2, b"y") + _field(4, b"Add")
    value = lambda n: _field(1, n)  # noqa: E731
    graph = _field(1, node) + _field(2, b"g") + _field(5, tensor) + _field(11, value(b"x")) + _field(12, value(b"y"))
    opset = _field(1, b"") + _fvarint(2, 13)
    return _fvarint(1, 8) + _field(8, opset) + _field(7, graph)


# ---------------------------------------------------------------- pickles by opcode
def proto2_call(module, name, arg):
    """GLOBAL module.name, called with one string argument (protocol 2, as pickle writes __reduce__)."""
    a = arg.encode()
    return (b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\n"
            + b"X" + struct.pack("<I", len(a)) + a + b"\x85R.")


def proto2_import(module, name):
    """Only imports module.name and returns it."""
    return b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\n."


def add(out, manifest):
    """Writes every sample below into the corpus at `out` and appends it to `manifest`."""
    add_false_positives(out, manifest)
    add_callables(out, manifest)
    _, benign, malicious = _writers(out, manifest)

    def malicious_gap(name, data, severity, rule, note, code_execution):
        malicious(name, data, severity, rule, note)
        manifest[-1]["code_execution"] = code_execution

    gap_samples.add(benign, malicious_gap)
    mark_code_execution(manifest)


# Ground truth for '--fail-on high': a sample runs code when loaded if it calls a critical
# callable (exec, system, Popen, a code loader...) or carries code a loader runs (a Lambda
# layer, a Python op, a TorchModuleWrapper). Samples that only touch files or the network, or
# break parsers, do not. Entries written with an explicit flag keep it.
CODE_EXECUTION_RULES = {"keras.lambda-layer", "onnx.python-op", "keras.torch-module", "keras.unsafe-callable",
                        "keras.safe-mode-bypass"}


def mark_code_execution(manifest):
    for e in manifest:
        if "code_execution" not in e:
            e["code_execution"] = not e["benign"] and (e["severity"] == "critical" or e["rule"] in CODE_EXECUTION_RULES)


def _writers(out, manifest):
    def write(kind, name, data):
        p = os.path.join(out, kind, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)

    def benign(name, data, note):
        write("benign", name, data)
        manifest.append({"path": "benign/" + name, "benign": True, "severity": "low", "rule": None, "note": NOTE_PREFIX + note})

    def malicious(name, data, severity, rule, note):
        write("malicious", name, data)
        manifest.append({"path": "malicious/" + name, "benign": False, "severity": severity, "rule": rule, "note": NOTE_PREFIX + note})

    return write, benign, malicious


def add_false_positives(out, manifest):
    """Benign files that were flagged (issue 24)."""
    write, benign, _ = _writers(out, manifest)
    benign("zip/encrypted.zip", encrypted_zip([("notes.txt", b"release notes\n" * 20, False),
                                               ("weights.bin", bytes(range(256)) * 8, True)]),
           "ZipCrypto-encrypted members (stored and deflated): not analysed, no CRC mismatch")
    benign("zip/text_like_pickle.zip", plain_zip([("CHANGES", b"c\nchanges since 1.0:\n- faster loading\n"),
                                                  ("README", b"(draft) see CHANGES\n")]),
           "text members that start like protocol 0 pickles ('c\\n', '(')")
    write("benign", "onnx/dotdot/weights.bin", struct.pack("<4f", 1, 1, 1, 1))
    write("benign", "onnx/dotdot/subdir/README", b"the model's external data is ../weights.bin from here\n")
    benign("onnx/dotdot/model.onnx", onnx_external("subdir/../weights.bin"),
           "external data 'subdir/../weights.bin', inside the model folder")
    benign("misc/lookup.bin", b"c" + bytes(range(256)) * 4, "binary .bin starting with the GLOBAL byte, not a pickle")
    # pickle.dumps({"vocab": "a" * 100_000}, protocol=0), spelled out: a protocol 0 string over 64 KiB.
    benign("pickle/long_string_p0.pkl", b"(dp0\nVvocab\np1\nV" + b"a" * 100_000 + b"\np2\ns.",
           "protocol 0 pickle with a 100,000-character string")


def add_callables(out, manifest):
    """Callable severities: code loaders are critical; harmless names are no finding."""
    _, benign, malicious = _writers(out, manifest)
    malicious("callables/torch_load_from_bytes.pkl", proto2_call("torch.storage", "_load_from_bytes", "x"),
              "critical", "pickle.dangerous-callable", "torch.storage._load_from_bytes")
    malicious("callables/torch_compile.pkl", proto2_call("torch", "compile", "x"),
              "critical", "pickle.dangerous-callable", "torch.compile")
    malicious("callables/interpreters_run.pkl", proto2_call("_interpreters", "run_string", "import os"),
              "critical", "pickle.dangerous-callable", "_interpreters.run_string")
    malicious("callables/pydoc_pipepager.pkl", proto2_call("pydoc", "pipepager", "id"),
              "critical", "pickle.dangerous-callable", "pydoc.pipepager")
    malicious("callables/venv_create.pkl", proto2_call("venv", "create", "/tmp/v"),
              "critical", "pickle.dangerous-callable", "venv.create")
    malicious("callables/code_interact.pkl", proto2_call("code", "InteractiveInterpreter", "x"),
              "critical", "pickle.dangerous-callable", "code.InteractiveInterpreter")
    benign("callables/future_feature.pkl", proto2_import("__future__", "annotations"), "__future__ feature")
    benign("callables/abc_mapping.pkl", proto2_import("collections.abc", "Mapping"), "collections.abc type")
    benign("callables/builtins_len.pkl", proto2_call("builtins", "len", "abc"), "builtins.len")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "corpus"
    path = os.path.join(out, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)["files"]
    manifest = [e for e in manifest if not (e.get("note") or "").startswith(NOTE_PREFIX)]
    add(out, manifest)
    with open(path, "w") as f:
        json.dump({"files": manifest}, f, indent=1)
    print(f"{len(manifest)} manifest entries in {path}")


if __name__ == "__main__":
    main()
