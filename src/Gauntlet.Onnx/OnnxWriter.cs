using System.Buffers.Binary;
using System.Text;
using Gauntlet.Core.IO;

namespace Gauntlet.Onnx;

/// <summary>
/// Serializes <see cref="OnnxModel"/> back to the ONNX protobuf encoding (the subset the loader
/// reads): used by the exporter and to build test models.
/// </summary>
public static class OnnxWriter
{
    /// <summary>Serializes a model.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The ModelProto bytes.</returns>
    public static byte[] ToBytes(OnnxModel model) => ToBytes(model, null, null);

    /// <summary>
    /// Serializes a model; with <paramref name="externalLocation"/>, initializer data is appended to
    /// <paramref name="externalData"/> and referenced by location/offset/length instead of raw_data.
    /// </summary>
    internal static byte[] ToBytes(OnnxModel model, string? externalLocation, Stream? externalData)
    {
        ArgumentNullException.ThrowIfNull(model);
        (string, Stream)? external = externalLocation is null ? null : (externalLocation, externalData!);
        var w = new Buffer();
        w.Varint(1, model.IrVersion == 0 ? 8 : model.IrVersion);
        w.String(2, model.ProducerName);
        w.String(3, model.ProducerVersion);
        w.Message(7, Graph(model.Graph, external));
        foreach (var o in model.Opsets)
        {
            var m = new Buffer();
            m.String(1, o.Domain);
            m.Varint(2, o.Version);
            w.Message(8, m);
        }

        foreach (var (k, v) in model.Metadata)
        {
            var m = new Buffer();
            m.String(1, k);
            m.String(2, v);
            w.Message(14, m);
        }

        return w.ToArray();
    }

    /// <summary>Writes a model to a file, atomically (<see cref="AtomicFile"/>: a temporary file renamed into place).</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The destination.</param>
    public static void Save(OnnxModel model, string path)
    {
        AtomicFile.WriteAllBytes(path, ToBytes(model));
    }

    /// <summary>Serializes one tensor as a standalone TensorProto (typed data in raw_data).</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The bytes.</returns>
    public static byte[] TensorBytes(OnnxTensor tensor) => Tensor(tensor).ToArray();

    private static Buffer Graph(OnnxGraphProto g, (string Location, Stream Data)? external)
    {
        var w = new Buffer();
        foreach (var n in g.Nodes)
        {
            w.Message(1, Node(n));
        }

        w.String(2, g.Name);
        foreach (var t in g.Initializers.Values)
        {
            w.Message(5, Tensor(t, external));
        }

        foreach (var i in g.Inputs)
        {
            w.Message(11, ValueInfo(i));
        }

        foreach (var o in g.Outputs)
        {
            w.Message(12, ValueInfo(o));
        }

        return w;
    }

    private static Buffer Node(OnnxNode n)
    {
        var w = new Buffer();
        foreach (var i in n.Inputs)
        {
            w.String(1, i, always: true);
        }

        foreach (var o in n.Outputs)
        {
            w.String(2, o, always: true);
        }

        w.String(3, n.Name);
        w.String(4, n.OpType);
        foreach (var a in n.Attributes.Values)
        {
            w.Message(5, Attribute(a));
        }

        w.String(7, n.Domain);
        return w;
    }

    private static Buffer Attribute(OnnxAttribute a)
    {
        var w = new Buffer();
        w.String(1, a.Name);
        switch (a.Type)
        {
            case OnnxAttributeType.Float: w.Fixed32(2, BitConverter.SingleToUInt32Bits(a.Float)); break;
            case OnnxAttributeType.Int: w.Varint(3, a.Int, always: true); break;
            case OnnxAttributeType.String: w.String(4, a.String ?? "", always: true); break;
            case OnnxAttributeType.Tensor: w.Message(5, Tensor(a.Tensor!)); break;
            case OnnxAttributeType.Floats:
                foreach (var f in a.Floats)
                {
                    w.Fixed32(7, BitConverter.SingleToUInt32Bits(f));
                }

                break;
            case OnnxAttributeType.Ints:
                foreach (var i in a.Ints)
                {
                    w.Varint(8, i, always: true);
                }

                break;
            case OnnxAttributeType.Strings:
                foreach (var s in a.Strings)
                {
                    w.String(9, s, always: true);
                }

                break;
            default: throw new NotSupportedException($"ONNX writer: attribute '{a.Name}' of type {a.Type} cannot be written.");
        }

        w.Varint(20, (long)a.Type);
        return w;
    }

    private static Buffer Tensor(OnnxTensor t, (string Location, Stream Data)? external = null)
    {
        var w = new Buffer();
        foreach (var d in t.Dims)
        {
            w.Varint(1, d, always: true);
        }

        w.Varint(2, (long)t.DataType);
        w.String(8, t.Name);
        var size = t.ElementBytes;
        var n = (int)t.ElementCount;
        var raw = new byte[n * size];
        for (var i = 0; i < n; i++)
        {
            var s = raw.AsSpan(i * size, size);
            switch (t.DataType)
            {
                case OnnxDataType.Float: BinaryPrimitives.WriteSingleLittleEndian(s, t.FloatData![i]); break;
                case OnnxDataType.Double: BinaryPrimitives.WriteDoubleLittleEndian(s, t.FloatData![i]); break;
                case OnnxDataType.Int64 or OnnxDataType.UInt64: BinaryPrimitives.WriteInt64LittleEndian(s, t.IntData![i]); break;
                case OnnxDataType.Int32 or OnnxDataType.UInt32: BinaryPrimitives.WriteInt32LittleEndian(s, (int)t.IntData![i]); break;
                case OnnxDataType.Int16 or OnnxDataType.UInt16: BinaryPrimitives.WriteInt16LittleEndian(s, (short)t.IntData![i]); break;
                case OnnxDataType.Int8 or OnnxDataType.UInt8 or OnnxDataType.Bool: s[0] = (byte)t.IntData![i]; break;
                default: throw new NotSupportedException($"ONNX writer: tensor '{t.Name}' of type {t.DataType} cannot be written.");
            }
        }

        if (external is { } ext)
        {
            var offset = ext.Data.Position;
            ext.Data.Write(raw);
            foreach (var (k, v) in new[] { ("location", ext.Location), ("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("length", raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
            {
                var e = new Buffer();
                e.String(1, k);
                e.String(2, v);
                w.Message(13, e);
            }

            w.Varint(14, 1);
            return w;
        }

        w.Bytes(9, raw);
        return w;
    }

    private static Buffer ValueInfo(OnnxValueInfo v)
    {
        var w = new Buffer();
        w.String(1, v.Name);
        var tensorType = new Buffer();
        tensorType.Varint(1, (long)v.ElementType);
        if (v.Shape is not null)
        {
            var shape = new Buffer();
            foreach (var d in v.Shape)
            {
                var dim = new Buffer();
                if (d.Value is { } value)
                {
                    dim.Varint(1, value, always: true);
                }
                else if (d.Param is { } param)
                {
                    dim.String(2, param);
                }

                shape.Message(1, dim);
            }

            tensorType.Message(2, shape);
        }

        var type = new Buffer();
        type.Message(1, tensorType);
        w.Message(2, type);
        return w;
    }

    private sealed class Buffer
    {
        private readonly MemoryStream _stream = new();

        public byte[] ToArray() => _stream.ToArray();

        public void Varint(int field, long value, bool always = false)
        {
            if (value == 0 && !always)
            {
                return;
            }

            Tag(field, 0);
            Raw((ulong)value);
        }

        public void Fixed32(int field, uint value)
        {
            Tag(field, 5);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, value);
            _stream.Write(b);
        }

        public void String(int field, string value, bool always = false)
        {
            if (value.Length == 0 && !always)
            {
                return;
            }

            Bytes(field, Encoding.UTF8.GetBytes(value));
        }

        public void Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            Raw((ulong)value.Length);
            _stream.Write(value);
        }

        public void Message(int field, Buffer message) => Bytes(field, message.ToArray());

        private void Tag(int field, int wire) => Raw(((ulong)field << 3) | (uint)wire);

        private void Raw(ulong v)
        {
            while (v >= 0x80)
            {
                _stream.WriteByte((byte)(v | 0x80));
                v >>= 7;
            }

            _stream.WriteByte((byte)v);
        }
    }
}
