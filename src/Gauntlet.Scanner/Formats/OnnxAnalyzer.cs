using Gauntlet.Core.IO;
using Gauntlet.Core.Protobuf;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// ONNX: custom operator domains, Python operators, external data that escapes the model's
/// folder, and absurd declared tensor sizes. Reads ModelProto, GraphProto, NodeProto,
/// AttributeProto and TensorProto fields with <see cref="ProtoWireReader"/>.
/// </summary>
internal sealed class OnnxAnalyzer
{
    private static readonly HashSet<string> StandardDomains = new(StringComparer.Ordinal)
    {
        string.Empty, "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft", "com.microsoft.nchwc", "com.ms.internal.nhwc", "org.pytorch.aten",
    };

    // Names and domains are read up to 4 KiB; a longer string is a hostile file, not a longer name.
    private const int MaxText = 4096;

    // More dimensions than any real tensor; the element-count check needs no more to flag a file.
    private const int MaxDims = 64;

    private static readonly HashSet<string> PythonOps = new(StringComparer.Ordinal) { "PyOp", "PythonOp", "PyFunc", "PythonFunction", "PyTorchOp" };

    // Element sizes by TensorProto.DataType.
    private static readonly int[] ElementSizes = [0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2, 1, 1, 1, 1, 1, 1];

    private readonly ScanContext context;
    private readonly string location;
    private readonly HashSet<string> reportedDomains = [];

    private OnnxAnalyzer(ScanContext context, string location)
    {
        this.context = context;
        this.location = location;
    }

    public static void Analyze(Stream stream, string location, ScanContext context)
    {
        var analyzer = new OnnxAnalyzer(context, location);
        try
        {
            analyzer.ReadModel(new ProtoWireReader(stream, 0, stream.Length));
        }
        catch (Exception ex) when (ex is InvalidDataException or ProtoWireException)
        {
            context.Add("onnx.malformed", Severity.Medium, $"not a valid ONNX protobuf: {ex.Message}", location);
        }
    }

    private void ReadModel(ProtoWireReader model)
    {
        var sawGraph = false;
        while (model.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (7, WireType.LengthDelimited): sawGraph = true; ReadGraph(model.ReadMessage()); break;
                case (8, WireType.LengthDelimited): ReadOpset(model.ReadMessage()); break;
                case (25, WireType.LengthDelimited): ReadFunction(model.ReadMessage()); break;
                default: model.Skip(wire); break;
            }
        }

        if (!sawGraph)
        {
            context.Add("onnx.malformed", Severity.Low, "ONNX model without a graph", location);
        }
    }

    private void ReadOpset(ProtoWireReader opset)
    {
        while (opset.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                CheckDomain(opset.ReadString(MaxText), "opset import");
            }
            else
            {
                opset.Skip(wire);
            }
        }
    }

    private void ReadFunction(ProtoWireReader function)
    {
        while (function.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (7, WireType.LengthDelimited): ReadNode(function.ReadMessage()); break;
                case (9, WireType.LengthDelimited): ReadOpset(function.ReadMessage()); break;
                default: function.Skip(wire); break;
            }
        }
    }

    private void ReadGraph(ProtoWireReader graph)
    {
        while (graph.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, WireType.LengthDelimited): ReadNode(graph.ReadMessage()); break;
                case (5, WireType.LengthDelimited): ReadTensor(graph.ReadMessage()); break;
                case (15, WireType.LengthDelimited): ReadSparseTensor(graph.ReadMessage()); break;
                default: graph.Skip(wire); break;
            }
        }
    }

    private void ReadSparseTensor(ProtoWireReader sparse)
    {
        while (sparse.TryReadTag(out var field, out var wire))
        {
            if (field is 1 or 2 && wire == WireType.LengthDelimited)
            {
                ReadTensor(sparse.ReadMessage());
            }
            else
            {
                sparse.Skip(wire);
            }
        }
    }

    private void ReadNode(ProtoWireReader node)
    {
        string opType = string.Empty, domain = string.Empty, name = string.Empty;
        while (node.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (3, WireType.LengthDelimited): name = node.ReadString(MaxText); break;
                case (4, WireType.LengthDelimited): opType = node.ReadString(MaxText); break;
                case (7, WireType.LengthDelimited): domain = node.ReadString(MaxText); break;
                case (5, WireType.LengthDelimited): ReadAttribute(node.ReadMessage()); break;
                default: node.Skip(wire); break;
            }
        }

        if (PythonOps.Contains(opType))
        {
            context.Add("onnx.python-op", Severity.High, $"node '{name}' is a {opType} ({(domain.Length == 0 ? "default domain" : domain)}): it runs Python code inside the runtime", location);
        }

        CheckDomain(domain, $"node '{name}' ({opType})");
    }

    private void ReadAttribute(ProtoWireReader attribute)
    {
        while (attribute.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (5 or 10, WireType.LengthDelimited): ReadTensor(attribute.ReadMessage()); break;
                case (6 or 11, WireType.LengthDelimited): ReadGraph(attribute.ReadMessage()); break;
                default: attribute.Skip(wire); break;
            }
        }
    }

    private void ReadTensor(ProtoWireReader tensor)
    {
        var dims = new List<long>();
        var dataType = 0;
        var name = string.Empty;
        long? rawLength = null;
        var external = false;
        var externalData = new Dictionary<string, string>(StringComparer.Ordinal);
        while (tensor.TryReadTag(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, _): tensor.ReadRepeatedInt64(wire, dims, MaxDims); break;
                case (2, WireType.Varint): dataType = (int)tensor.ReadVarint(); break;
                case (8, WireType.LengthDelimited): name = tensor.ReadString(MaxText); break;
                case (9, WireType.LengthDelimited): rawLength = tensor.SkipLengthDelimited(); break;
                case (14, WireType.Varint): external = tensor.ReadVarint() == 1; break;
                case (13, WireType.LengthDelimited):
                    var entry = tensor.ReadMessage();
                    string key = string.Empty, value = string.Empty;
                    while (entry.TryReadTag(out var f, out var w))
                    {
                        if (f == 1 && w == WireType.LengthDelimited)
                        {
                            key = entry.ReadString(MaxText);
                        }
                        else if (f == 2 && w == WireType.LengthDelimited)
                        {
                            value = entry.ReadString(MaxText);
                        }
                        else
                        {
                            entry.Skip(w);
                        }
                    }

                    externalData[key] = value;
                    break;
                default: tensor.Skip(wire); break;
            }
        }

        var elements = (Int128)1;
        foreach (var d in dims)
        {
            if (d < 0)
            {
                context.Add("onnx.absurd-size", Severity.Medium, $"tensor '{name}' has a negative dimension {d}", location);
                return;
            }

            elements = Int128.Min(elements * d, (Int128)1 << 100);
        }

        var size = dataType >= 0 && dataType < ElementSizes.Length ? ElementSizes[dataType] : 0;
        if (elements > (Int128)1 << 40)
        {
            context.Add("onnx.absurd-size", Severity.Medium, $"tensor '{name}' declares {elements} elements (dims {string.Join("x", dims)}), more than any real model holds", location);
        }
        else if (rawLength is { } raw && size > 0 && elements * size != raw)
        {
            context.Add("onnx.absurd-size", Severity.Medium, $"tensor '{name}' has {raw:N0} bytes of raw data but its dims and type need {elements * size}", location);
        }

        if (external || externalData.Count > 0)
        {
            CheckExternalData(name, externalData, elements * Math.Max(size, 1));
        }
    }

    private void CheckExternalData(string tensor, Dictionary<string, string> data, Int128 expectedBytes)
    {
        if (!data.TryGetValue("location", out var path) || path.Length == 0)
        {
            context.Add("onnx.external-data", Severity.Medium, $"tensor '{tensor}' is external but names no location", location);
            return;
        }

        var normalised = path.Replace('\\', '/');
        if (normalised.StartsWith('/') || (normalised.Length > 1 && normalised[1] == ':') || ClimbsOut(normalised) || normalised.Contains('\0', StringComparison.Ordinal))
        {
            context.Add("onnx.external-data", Severity.High, $"tensor '{tensor}' reads external data from '{path}', outside the model's folder (arbitrary file read)", location);
            return;
        }

        if (context.Folder is null || location.Contains('!', StringComparison.Ordinal))
        {
            return;
        }

        // 'sub/../w.bin' stays inside by its text, but the kernel takes '..' from where the link
        // 'sub' points: the path is judged by where it really leads.
        var combined = Path.Combine(context.Folder, normalised);
        if (normalised.Split('/').Contains("..")
            && RealPaths.Resolve(combined, out var real) == Resolution.Resolved
            && RealPaths.Resolve(context.Folder, out var folder) == Resolution.Resolved
            && !RealPath.IsSameOrInside(real, folder))
        {
            context.Add("onnx.external-data", Severity.High, $"tensor '{tensor}' reads external data from '{path}', which resolves to '{real}', outside the model's folder (arbitrary file read)", location);
            return;
        }

        var file = new FileInfo(combined);
        if (!file.Exists)
        {
            context.Add("onnx.external-data", Severity.Low, $"tensor '{tensor}' names external data '{path}', which is missing", location);
            return;
        }

        long.TryParse(data.GetValueOrDefault("offset", "0"), out var offset);
        var hasLength = long.TryParse(data.GetValueOrDefault("length", string.Empty), out var length);
        if (offset < 0 || offset + (hasLength ? length : (long)Int128.Min(expectedBytes, long.MaxValue / 2)) > file.Length)
        {
            context.Add("onnx.absurd-size", Severity.Medium, $"tensor '{tensor}' external range (offset {offset:N0}) runs past '{path}' ({file.Length:N0} bytes)", location);
        }
    }

    // Whether the relative path goes above its starting folder at any step ('a/../../x' does, 'a/../x' does not).
    private static bool ClimbsOut(string relative)
    {
        var depth = 0;
        foreach (var segment in relative.Split('/'))
        {
            depth += segment switch
            {
                ".." => -1,
                "" or "." => 0,
                _ => 1,
            };
            if (depth < 0)
            {
                return true;
            }
        }

        return false;
    }

    private void CheckDomain(string domain, string where)
    {
        if (!StandardDomains.Contains(domain) && reportedDomains.Add(domain))
        {
            context.Add("onnx.custom-domain", Severity.Medium, $"{where} uses custom domain '{domain}': running it needs a custom op library (native code)", location);
        }
    }
}
