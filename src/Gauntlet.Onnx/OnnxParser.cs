using System.Buffers.Binary;
using Gauntlet.Core.IO;
using Gauntlet.Core.Protobuf;

namespace Gauntlet.Onnx;

/// <summary>Decodes ONNX protobuf messages (field numbers per the ONNX IR spec) into the model classes.</summary>
internal static class OnnxParser
{
    public static OnnxModel LoadModel(string path)
    {
        // One read policy for every input (regular files only, size capped before reading): see InputFile.
        var bytes = InputFile.ReadAllBytes(path, "ONNX model");
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return ParseModel(bytes, path, folder);
    }

    public static OnnxTensor LoadTensor(string path)
    {
        var bytes = InputFile.ReadAllBytes(path, "ONNX tensor");
        try
        {
            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            return ReadTensor(new ProtoWireReader(bytes, 0, bytes.Length, MaxMessageDepth), new Context(path, folder));
        }
        catch (Exception e) when (e is OnnxFormatException or ProtoWireException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a valid ONNX TensorProto: {e.Message}", e);
        }
    }

    public static OnnxModel ParseModel(byte[] bytes, string source, string? folder)
    {
        try
        {
            var model = ReadModel(new ProtoWireReader(bytes, 0, bytes.Length, MaxMessageDepth), new Context(source, folder));
            return model;
        }
        catch (Exception e) when (e is OnnxFormatException or ProtoWireException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX model: {e.Message}", e);
        }
    }

    private sealed record Context(string Source, string? Folder);

    private static OnnxModel ReadModel(ProtoWireReader r, Context ctx)
    {
        long ir = 0;
        string producer = "", producerVersion = "";
        OnnxGraphProto? graph = null;
        var opsets = new List<OnnxOpset>();
        var meta = new Dictionary<string, string>();
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.Varint: ir = r.ReadInt64(); break;
                case 2 when w == WireType.LengthDelimited: producer = r.ReadString(); break;
                case 3 when w == WireType.LengthDelimited: producerVersion = r.ReadString(); break;
                case 7 when w == WireType.LengthDelimited: graph = ReadGraph(r.ReadMessage(), ctx, 0); break;
                case 8 when w == WireType.LengthDelimited: opsets.Add(ReadOpset(r.ReadMessage())); break;
                case 14 when w == WireType.LengthDelimited:
                    var (k, v) = ReadEntry(r.ReadMessage());
                    meta[k] = v;
                    break;
                default: r.Skip(w); break;
            }
        }

        if (graph is null)
        {
            throw new OnnxFormatException("the model has no graph (ModelProto field 7 missing); is this an ONNX model file?");
        }

        return new OnnxModel
        {
            IrVersion = ir,
            ProducerName = producer,
            ProducerVersion = producerVersion,
            Opsets = opsets,
            Metadata = meta,
            Graph = graph,
            Path = ctx.Folder is null ? null : ctx.Source,
        };
    }

    private static OnnxOpset ReadOpset(ProtoWireReader r)
    {
        string domain = "";
        long version = 0;
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.LengthDelimited: domain = r.ReadString(); break;
                case 2 when w == WireType.Varint: version = r.ReadInt64(); break;
                default: r.Skip(w); break;
            }
        }

        return new OnnxOpset(domain, version);
    }

    private static (string Key, string Value) ReadEntry(ProtoWireReader r)
    {
        string k = "", v = "";
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.LengthDelimited: k = r.ReadString(); break;
                case 2 when w == WireType.LengthDelimited: v = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }

        return (k, v);
    }

    private const int MaxGraphDepth = 32;

    // Each subgraph level opens three messages (graph, node, attribute); the wire reader's limit sits
    // above that so the deeper-subgraph check, with its clearer message, fires first.
    private const int MaxMessageDepth = (4 * MaxGraphDepth) + 8;

    private static OnnxGraphProto ReadGraph(ProtoWireReader r, Context ctx, int depth)
    {
        if (depth > MaxGraphDepth)
        {
            throw new OnnxFormatException($"subgraphs are nested more than {MaxGraphDepth} levels deep");
        }

        var nodes = new List<OnnxNode>();
        var inits = new Dictionary<string, OnnxTensor>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var name = "";
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.LengthDelimited: nodes.Add(ReadNode(r.ReadMessage(), ctx, depth)); break;
                case 2 when w == WireType.LengthDelimited: name = r.ReadString(); break;
                case 5 when w == WireType.LengthDelimited:
                    var t = ReadTensor(r.ReadMessage(), ctx);
                    inits[t.Name] = t;
                    break;
                case 11 when w == WireType.LengthDelimited: inputs.Add(ReadValueInfo(r.ReadMessage())); break;
                case 12 when w == WireType.LengthDelimited: outputs.Add(ReadValueInfo(r.ReadMessage())); break;
                case 15 when w == WireType.LengthDelimited: throw new OnnxFormatException("sparse initializers are not supported");
                default: r.Skip(w); break;
            }
        }

        return new OnnxGraphProto { Name = name, Nodes = nodes, Initializers = inits, Inputs = inputs, Outputs = outputs };
    }

    private static OnnxNode ReadNode(ProtoWireReader r, Context ctx, int depth)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attrs = new Dictionary<string, OnnxAttribute>();
        string name = "", op = "", domain = "";
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.LengthDelimited: inputs.Add(r.ReadString()); break;
                case 2 when w == WireType.LengthDelimited: outputs.Add(r.ReadString()); break;
                case 3 when w == WireType.LengthDelimited: name = r.ReadString(); break;
                case 4 when w == WireType.LengthDelimited: op = r.ReadString(); break;
                case 5 when w == WireType.LengthDelimited:
                    var a = ReadAttribute(r.ReadMessage(), ctx, depth);
                    attrs[a.Name] = a;
                    break;
                case 7 when w == WireType.LengthDelimited: domain = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }

        if (op.Length == 0)
        {
            throw new OnnxFormatException($"node '{name}' has no op_type");
        }

        return new OnnxNode { OpType = op, Domain = domain, Name = name, Inputs = inputs, Outputs = outputs, Attributes = attrs };
    }

    private static OnnxAttribute ReadAttribute(ProtoWireReader r, Context ctx, int depth)
    {
        string name = "";
        var type = OnnxAttributeType.Undefined;
        float fv = 0;
        long iv = 0;
        string? sv = null;
        OnnxTensor? tv = null;
        OnnxGraphProto? gv = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<string>();
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.LengthDelimited: name = r.ReadString(); break;
                case 2 when w == WireType.Fixed32: fv = r.ReadFloat(); break;
                case 3 when w == WireType.Varint: iv = r.ReadInt64(); break;
                case 4 when w == WireType.LengthDelimited: sv = r.ReadString(); break;
                case 5 when w == WireType.LengthDelimited: tv = ReadTensor(r.ReadMessage(), ctx); break;
                case 6 when w == WireType.LengthDelimited: gv = ReadGraph(r.ReadMessage(), ctx, depth + 1); break;
                case 7: r.ReadRepeatedFloat(w, floats); break;
                case 8: r.ReadRepeatedInt64(w, ints); break;
                case 9 when w == WireType.LengthDelimited: strings.Add(r.ReadString()); break;
                case 20 when w == WireType.Varint: type = (OnnxAttributeType)r.ReadInt64(); break;
                default: r.Skip(w); break;
            }
        }

        return new OnnxAttribute { Name = name, Type = type, Float = fv, Int = iv, String = sv, Tensor = tv, Graph = gv, Floats = floats, Ints = ints, Strings = strings };
    }

    private static OnnxValueInfo ReadValueInfo(ProtoWireReader r)
    {
        string name = "";
        var elem = OnnxDataType.Undefined;
        List<OnnxDim>? shape = null;
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == WireType.LengthDelimited: name = r.ReadString(); break;
                case 2 when w == WireType.LengthDelimited:
                    var type = r.ReadMessage();
                    while (type.TryReadTag(out var tf, out var tw))
                    {
                        if (tf == 1 && tw == WireType.LengthDelimited)
                        {
                            var tensorType = type.ReadMessage();
                            while (tensorType.TryReadTag(out var ef, out var ew))
                            {
                                if (ef == 1 && ew == WireType.Varint)
                                {
                                    elem = (OnnxDataType)tensorType.ReadInt64();
                                }
                                else if (ef == 2 && ew == WireType.LengthDelimited)
                                {
                                    shape = ReadShape(tensorType.ReadMessage());
                                }
                                else
                                {
                                    tensorType.Skip(ew);
                                }
                            }
                        }
                        else
                        {
                            type.Skip(tw);
                        }
                    }

                    break;
                default: r.Skip(w); break;
            }
        }

        return new OnnxValueInfo(name, elem, shape);
    }

    private static List<OnnxDim> ReadShape(ProtoWireReader r)
    {
        var dims = new List<OnnxDim>();
        while (r.TryReadTag(out var f, out var w))
        {
            if (f == 1 && w == WireType.LengthDelimited)
            {
                var d = r.ReadMessage();
                long? value = null;
                string? param = null;
                while (d.TryReadTag(out var df, out var dw))
                {
                    if (df == 1 && dw == WireType.Varint)
                    {
                        value = d.ReadInt64();
                    }
                    else if (df == 2 && dw == WireType.LengthDelimited)
                    {
                        param = d.ReadString();
                    }
                    else
                    {
                        d.Skip(dw);
                    }
                }

                dims.Add(new OnnxDim(value, param));
            }
            else
            {
                r.Skip(w);
            }
        }

        return dims;
    }

    private static OnnxTensor ReadTensor(ProtoWireReader r, Context ctx)
    {
        var dims = new List<long>();
        var dataType = OnnxDataType.Undefined;
        string name = "";
        byte[]? raw = null;
        var floats = new List<float>();
        var doubles = new List<double>();
        var ints = new List<long>();
        var uints = new List<long>();
        var external = new Dictionary<string, string>();
        long location = 0;
        var hasStrings = false;
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: r.ReadRepeatedInt64(w, dims); break;
                case 2 when w == WireType.Varint: dataType = (OnnxDataType)r.ReadInt64(); break;
                case 4: r.ReadRepeatedFloat(w, floats); break;
                case 5: r.ReadRepeatedInt64(w, ints); break;
                case 6 when w == WireType.LengthDelimited: r.Skip(w); hasStrings = true; break;
                case 7: r.ReadRepeatedInt64(w, ints); break;
                case 8 when w == WireType.LengthDelimited: name = r.ReadString(); break;
                case 9 when w == WireType.LengthDelimited: raw = r.ReadBytes(); break;
                case 10: r.ReadRepeatedDouble(w, doubles); break;
                case 11: r.ReadRepeatedInt64(w, uints); break;
                case 13 when w == WireType.LengthDelimited:
                    var (k, v) = ReadEntry(r.ReadMessage());
                    external[k] = v;
                    break;
                case 14 when w == WireType.Varint: location = r.ReadInt64(); break;
                default: r.Skip(w); break;
            }
        }

        var dimArray = dims.ToArray();
        long count = 1;
        foreach (var d in dimArray)
        {
            if (d < 0)
            {
                throw new OnnxFormatException($"tensor '{name}' has a negative dimension {d}");
            }

            count = checked(count * d);
        }

        if (count > int.MaxValue)
        {
            throw new OnnxFormatException($"tensor '{name}' has {count} elements, more than supported");
        }

        var n = (int)count;
        if (dataType is OnnxDataType.String)
        {
            _ = hasStrings;
            return new OnnxTensor(name, dataType, dimArray, null, null);
        }

        var size = OnnxTensor.ElementSize(dataType);
        if (size == 0)
        {
            // Types this reader does not decode (float8, int4, ...): kept without data; the executor refuses them.
            return new OnnxTensor(name, dataType, dimArray, null, null);
        }

        if (location == 1)
        {
            raw = ReadExternal(name, external, ctx, (long)n * size);
        }

        if (dataType is OnnxDataType.Complex64 or OnnxDataType.Complex128)
        {
            return new OnnxTensor(name, dataType, dimArray, null, null);
        }

        var floating = OnnxTensor.IsFloating(dataType);
        if (raw is not null && raw.Length != (long)n * size)
        {
            throw new OnnxFormatException($"tensor '{name}' raw_data has {raw.Length} bytes; expected {(long)n * size} for {n} elements of {dataType}");
        }

        if (raw is null)
        {
            // Validate the typed field's count before allocating anything sized by the (untrusted) dims.
            var typed = dataType switch
            {
                OnnxDataType.Float => floats.Count,
                OnnxDataType.Double => doubles.Count,
                OnnxDataType.UInt32 or OnnxDataType.UInt64 => uints.Count,
                _ => ints.Count,
            };
            if (typed != n)
            {
                throw new OnnxFormatException($"tensor '{name}' of shape [{string.Join(", ", dimArray)}] has {typed} typed values; expected {n}");
            }
        }

        float[]? fdata = floating ? new float[n] : null;
        long[]? idata = floating ? null : new long[n];
        if (raw is not null)
        {

            var s = raw.AsSpan();
            for (var i = 0; i < n; i++)
            {
                var e = s.Slice(i * size, size);
                switch (dataType)
                {
                    case OnnxDataType.Float: fdata![i] = BinaryPrimitives.ReadSingleLittleEndian(e); break;
                    case OnnxDataType.Double: fdata![i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(e); break;
                    case OnnxDataType.Float16: fdata![i] = (float)BinaryPrimitives.ReadHalfLittleEndian(e); break;
                    case OnnxDataType.BFloat16: fdata![i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(e) << 16); break;
                    case OnnxDataType.UInt8: idata![i] = e[0]; break;
                    case OnnxDataType.Bool: idata![i] = e[0] != 0 ? 1 : 0; break;
                    case OnnxDataType.Int8: idata![i] = (sbyte)e[0]; break;
                    case OnnxDataType.UInt16: idata![i] = BinaryPrimitives.ReadUInt16LittleEndian(e); break;
                    case OnnxDataType.Int16: idata![i] = BinaryPrimitives.ReadInt16LittleEndian(e); break;
                    case OnnxDataType.Int32: idata![i] = BinaryPrimitives.ReadInt32LittleEndian(e); break;
                    case OnnxDataType.UInt32: idata![i] = BinaryPrimitives.ReadUInt32LittleEndian(e); break;
                    case OnnxDataType.Int64: idata![i] = BinaryPrimitives.ReadInt64LittleEndian(e); break;
                    case OnnxDataType.UInt64: idata![i] = (long)BinaryPrimitives.ReadUInt64LittleEndian(e); break;
                    default: throw new OnnxFormatException($"tensor '{name}' has unsupported data type {dataType}");
                }
            }

            return new OnnxTensor(name, dataType, dimArray, fdata, idata);
        }

        // Typed fields.
        int have;
        switch (dataType)
        {
            case OnnxDataType.Float:
                have = floats.Count;
                Check(have);
                floats.CopyTo(fdata!);
                break;
            case OnnxDataType.Double:
                have = doubles.Count;
                Check(have);
                for (var i = 0; i < n; i++)
                {
                    fdata![i] = (float)doubles[i];
                }

                break;
            case OnnxDataType.Float16 or OnnxDataType.BFloat16:
                have = ints.Count;
                Check(have);
                for (var i = 0; i < n; i++)
                {
                    var bits = (ushort)ints[i];
                    fdata![i] = dataType == OnnxDataType.Float16 ? (float)BitConverter.UInt16BitsToHalf(bits) : BitConverter.UInt32BitsToSingle((uint)bits << 16);
                }

                break;
            case OnnxDataType.UInt32 or OnnxDataType.UInt64:
                have = uints.Count;
                Check(have);
                uints.CopyTo(idata!);
                break;
            default:
                have = ints.Count;
                Check(have);
                for (var i = 0; i < n; i++)
                {
                    idata![i] = dataType switch
                    {
                        OnnxDataType.Int32 => (int)ints[i],
                        OnnxDataType.Bool => ints[i] != 0 ? 1 : 0,
                        _ => ints[i],
                    };
                }

                break;
        }

        return new OnnxTensor(name, dataType, dimArray, fdata, idata);

        void Check(int got)
        {
            if (got != n)
            {
                throw new OnnxFormatException($"tensor '{name}' of shape [{string.Join(", ", dimArray)}] has {got} typed values; expected {n}");
            }
        }
    }

    private static byte[] ReadExternal(string name, Dictionary<string, string> entries, Context ctx, long expected)
    {
        if (ctx.Folder is null)
        {
            throw new OnnxFormatException($"tensor '{name}' uses external data, which needs the model to be loaded from a file");
        }

        if (!entries.TryGetValue("location", out var location) || location.Length == 0)
        {
            throw new OnnxFormatException($"tensor '{name}' has external data without a location");
        }

        if (System.IO.Path.IsPathRooted(location) || location.Contains('\\', StringComparison.Ordinal) ||
            location.Split('/').Any(p => p == ".."))
        {
            throw new OnnxFormatException($"tensor '{name}' external data location '{location}' escapes the model's folder");
        }

        var root = System.IO.Path.GetFullPath(ctx.Folder);
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, location));
        var rootPrefix = root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootPrefix, StringComparison.Ordinal))
        {
            throw new OnnxFormatException($"tensor '{name}' external data location '{location}' escapes the model's folder");
        }

        // Resolve symbolic links on every component below the root.
        var realRoot = ResolveReal(root);
        var realFull = ResolveReal(full);
        var realPrefix = realRoot.EndsWith(System.IO.Path.DirectorySeparatorChar) ? realRoot : realRoot + System.IO.Path.DirectorySeparatorChar;
        if (!realFull.StartsWith(realPrefix, StringComparison.Ordinal))
        {
            throw new OnnxFormatException($"tensor '{name}' external data location '{location}' resolves outside the model's folder");
        }

        if (!File.Exists(realFull))
        {
            throw new OnnxFormatException($"tensor '{name}' external data file '{location}' does not exist");
        }

        try
        {
            InputFile.Check(realFull, "ONNX external data");
        }
        catch (InvalidDataException ex)
        {
            throw new OnnxFormatException($"tensor '{name}' external data '{location}': {ex.Message}");
        }

        long offset = 0, length = expected;
        if (entries.TryGetValue("offset", out var o) && !long.TryParse(o, System.Globalization.CultureInfo.InvariantCulture, out offset))
        {
            throw new OnnxFormatException($"tensor '{name}' external data offset '{o}' is not a number");
        }

        if (entries.TryGetValue("length", out var l) && !long.TryParse(l, System.Globalization.CultureInfo.InvariantCulture, out length))
        {
            throw new OnnxFormatException($"tensor '{name}' external data length '{l}' is not a number");
        }

        if (length != expected)
        {
            throw new OnnxFormatException($"tensor '{name}' external data length {length} does not match the {expected} bytes its shape needs");
        }

        using var fs = InputFile.OpenRead(realFull, "ONNX external data");
        if (offset < 0 || offset + length > fs.Length)
        {
            throw new OnnxFormatException($"tensor '{name}' external data range {offset}+{length} lies outside '{location}' ({fs.Length} bytes)");
        }

        fs.Position = offset;
        var buffer = new byte[length];
        fs.ReadExactly(buffer);
        return buffer;
    }

    private static string ResolveReal(string path)
    {
        // Walk the path, resolving each existing component that is a link.
        var parts = path.Split(System.IO.Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = System.IO.Path.GetPathRoot(path) ?? "/";
        foreach (var part in parts)
        {
            var next = System.IO.Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.Exists || Directory.Exists(next))
            {
                FileSystemInfo fsi = Directory.Exists(next) ? new DirectoryInfo(next) : info;
                var target = fsi.ResolveLinkTarget(returnFinalTarget: true);
                next = target is null ? next : System.IO.Path.GetFullPath(target.FullName);
            }

            current = next;
        }

        return current;
    }
}
