using Gauntlet.Core.Protobuf;

namespace Gauntlet.Scanner.Formats;

/// <summary>
/// TensorFlow SavedModel (saved_model.pb) and frozen GraphDef files: lists every op in the
/// graphs and their function libraries and reports those that run Python or touch files.
/// </summary>
internal static class SavedModelAnalyzer
{
    // Op names are read up to 4 KiB; a longer string is a hostile file, not a longer name.
    private const int MaxText = 4096;

    private static readonly Dictionary<string, (Severity Severity, string Reason)> DangerousOps = new(StringComparer.Ordinal)
    {
        ["PyFunc"] = (Severity.Critical, "calls a Python function"),
        ["PyFuncStateless"] = (Severity.Critical, "calls a Python function"),
        ["EagerPyFunc"] = (Severity.Critical, "calls a Python function"),
        ["ReadFile"] = (Severity.High, "reads any file"),
        ["WriteFile"] = (Severity.High, "writes any file"),
        ["MatchingFiles"] = (Severity.Medium, "lists files"),
        ["ImmutableConst"] = (Severity.Medium, "maps a file into memory"),
        ["DebugIdentityV2"] = (Severity.Low, "writes debug dumps"),
        ["CreateSummaryFileWriter"] = (Severity.Medium, "writes files"),
        ["WriteAudioSummary"] = (Severity.Low, "writes summaries"),
        ["DatasetToTFRecord"] = (Severity.Medium, "writes files"),
        ["ExperimentalDatasetToTFRecord"] = (Severity.Medium, "writes files"),
        ["SaveDataset"] = (Severity.Medium, "writes files"),
        ["PrintV2"] = (Severity.Low, "prints to a chosen stream or file"),
        ["LoadLibrary"] = (Severity.Critical, "loads native code"),
    };

    public static void Analyze(Stream stream, string location, ScanContext context)
    {
        var ops = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            var head = stream.ReadByte();
            stream.Position = 0;
            var reader = new ProtoWireReader(stream, 0, stream.Length);
            if (head == 0x08)
            {
                ReadSavedModel(reader, ops);
            }
            else
            {
                ReadGraph(reader, ops);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or ProtoWireException)
        {
            context.Add("tensorflow.malformed", Severity.Medium, $"not a valid SavedModel or GraphDef protobuf: {ex.Message}", location);
        }

        foreach (var (op, count) in ops)
        {
            if (DangerousOps.TryGetValue(op, out var danger))
            {
                context.Add("tensorflow.dangerous-op", danger.Severity, $"graph uses {op} ({count}x): it {danger.Reason}", location);
            }
        }
    }

    private static void ReadSavedModel(ProtoWireReader model, Dictionary<string, int> ops)
    {
        while (model.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == WireType.LengthDelimited)
            {
                var meta = model.ReadMessage();
                while (meta.TryReadTag(out var f, out var w))
                {
                    if (f == 2 && w == WireType.LengthDelimited)
                    {
                        ReadGraph(meta.ReadMessage(), ops);
                    }
                    else
                    {
                        meta.Skip(w);
                    }
                }
            }
            else
            {
                model.Skip(wire);
            }
        }
    }

    private static void ReadGraph(ProtoWireReader graph, Dictionary<string, int> ops)
    {
        while (graph.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                ReadNode(graph.ReadMessage(), ops);
            }
            else if (field == 2 && wire == WireType.LengthDelimited)
            {
                var library = graph.ReadMessage();
                while (library.TryReadTag(out var f, out var w))
                {
                    if (f == 1 && w == WireType.LengthDelimited)
                    {
                        var function = library.ReadMessage();
                        while (function.TryReadTag(out var ff, out var fw))
                        {
                            if (ff == 3 && fw == WireType.LengthDelimited)
                            {
                                ReadNode(function.ReadMessage(), ops);
                            }
                            else
                            {
                                function.Skip(fw);
                            }
                        }
                    }
                    else
                    {
                        library.Skip(w);
                    }
                }
            }
            else
            {
                graph.Skip(wire);
            }
        }
    }

    private static void ReadNode(ProtoWireReader node, Dictionary<string, int> ops)
    {
        while (node.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == WireType.LengthDelimited)
            {
                var op = node.ReadString(256);
                if (ops.Count < 10_000 || ops.ContainsKey(op))
                {
                    ops[op] = ops.GetValueOrDefault(op) + 1;
                }
            }
            else
            {
                node.Skip(wire);
            }
        }
    }
}
