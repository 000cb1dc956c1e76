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

    // Ops that read or write a file named by one of their inputs, and which input that is.
    private static readonly Dictionary<string, int> FileOps = new(StringComparer.Ordinal)
    {
        ["Save"] = 0, ["SaveV2"] = 0, ["SaveSlices"] = 0, ["Restore"] = 0, ["RestoreV2"] = 0, ["RestoreSlice"] = 0,
        ["MergeV2Checkpoints"] = 1, ["ReadFile"] = 0, ["WriteFile"] = 0,
    };

    // Ops a file name legitimately flows through between the loader's placeholder and the op.
    private static readonly HashSet<string> PathPassThrough = new(StringComparer.Ordinal)
    {
        "Identity", "IdentityN", "StringJoin", "ShardedFilename", "ShardedFilespec", "Select", "SelectV2", "Pack", "Const",
        "Placeholder", "PlaceholderWithDefault", "StaticRegexFullMatch",
    };

    private const int MaxNodesPerGraph = 200_000;

    public static void Analyze(Stream stream, string location, ScanContext context)
    {
        var ops = new Dictionary<string, int>(StringComparer.Ordinal);
        var graphs = new List<List<GraphNode>>();
        try
        {
            var head = stream.ReadByte();
            stream.Position = 0;
            var reader = new ProtoWireReader(stream, 0, stream.Length);
            if (head == 0x08)
            {
                ReadSavedModel(reader, ops, graphs);
            }
            else
            {
                ReadGraph(reader, ops, graphs);
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

        foreach (var graph in graphs)
        {
            CheckFilePaths(graph, location, context);
        }
    }

    /// <summary>
    /// Follows the file-name input of every file op back through the graph. The loader feeds the
    /// checkpoint path through a placeholder (or a function argument); a path that is instead a
    /// constant leaving the model folder, or is computed by other ops, was planted.
    /// </summary>
    private static void CheckFilePaths(List<GraphNode> graph, string location, ScanContext context)
    {
        Dictionary<string, GraphNode>? byName = null;
        foreach (var node in graph)
        {
            if (!FileOps.TryGetValue(node.Op, out var index) || index >= node.Inputs.Count)
            {
                continue;
            }

            byName ??= graph.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var visited = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>();
            pending.Push(node.Inputs[index]);
            while (pending.Count > 0 && visited.Count < 256)
            {
                var name = NodeName(pending.Pop());
                if (name.Length == 0 || !visited.Add(name) || !byName.TryGetValue(name, out var source))
                {
                    continue; // a function argument or a missing node: fed by the caller
                }

                if (!PathPassThrough.Contains(source.Op))
                {
                    context.Add("tensorflow.file-path", Severity.Medium, $"{node.Op} '{node.Name}' takes its file name from {source.Op} '{source.Name}': the path is computed by the graph, not fed by the loader", location);
                    break;
                }

                if (source.Strings.FirstOrDefault(LeavesFolder) is { } planted)
                {
                    context.Add("tensorflow.file-path", Severity.High, $"{node.Op} '{node.Name}' uses the constant path '{planted}', which is absolute or leaves the model folder", location);
                    break;
                }

                // Select's first input is the condition, not a path.
                foreach (var input in source.Op is "Select" or "SelectV2" ? source.Inputs.Skip(1) : source.Inputs)
                {
                    pending.Push(input);
                }
            }
        }
    }

    // "node:output:0", "node:1", "^control" all name "node".
    private static string NodeName(string input)
    {
        if (input.StartsWith('^'))
        {
            return string.Empty;
        }

        var colon = input.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? input[..colon] : input;
    }

    private static bool LeavesFolder(string path)
    {
        var normalised = path.Replace('\\', '/');
        return normalised.StartsWith('/') || (normalised.Length > 1 && normalised[1] == ':') || normalised.Contains("://", StringComparison.Ordinal)
            || normalised.Split('/').Contains("..");
    }

    private static void ReadSavedModel(ProtoWireReader model, Dictionary<string, int> ops, List<List<GraphNode>> graphs)
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
                        ReadGraph(meta.ReadMessage(), ops, graphs);
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

    private static void ReadGraph(ProtoWireReader graph, Dictionary<string, int> ops, List<List<GraphNode>> graphs)
    {
        var nodes = new List<GraphNode>();
        graphs.Add(nodes);
        while (graph.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                ReadNode(graph.ReadMessage(), ops, nodes);
            }
            else if (field == 2 && wire == WireType.LengthDelimited)
            {
                var library = graph.ReadMessage();
                while (library.TryReadTag(out var f, out var w))
                {
                    if (f == 1 && w == WireType.LengthDelimited)
                    {
                        // Each function is a graph of its own: its inputs name its own nodes or its arguments.
                        var function = library.ReadMessage();
                        var functionNodes = new List<GraphNode>();
                        graphs.Add(functionNodes);
                        while (function.TryReadTag(out var ff, out var fw))
                        {
                            if (ff == 3 && fw == WireType.LengthDelimited)
                            {
                                ReadNode(function.ReadMessage(), ops, functionNodes);
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

    private static void ReadNode(ProtoWireReader node, Dictionary<string, int> ops, List<GraphNode> nodes)
    {
        var name = string.Empty;
        var op = string.Empty;
        var inputs = new List<string>();
        var strings = new List<string>();
        while (node.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == WireType.LengthDelimited)
            {
                name = node.ReadString(MaxText);
            }
            else if (field == 2 && wire == WireType.LengthDelimited)
            {
                op = node.ReadString(256);
                if (ops.Count < 10_000 || ops.ContainsKey(op))
                {
                    ops[op] = ops.GetValueOrDefault(op) + 1;
                }
            }
            else if (field == 3 && wire == WireType.LengthDelimited && inputs.Count < 1024)
            {
                inputs.Add(node.ReadString(MaxText));
            }
            else if (field == 5 && wire == WireType.LengthDelimited)
            {
                ReadAttrStrings(node.ReadMessage(), strings);
            }
            else
            {
                node.Skip(wire);
            }
        }

        if (nodes.Count < MaxNodesPerGraph)
        {
            nodes.Add(new GraphNode(name, op, inputs, strings));
        }
    }

    // attr map entry: key (1), AttrValue (2); AttrValue.tensor (8) is a TensorProto whose
    // string_val (8) holds a Const's strings. Only a few are kept, each up to 4 KiB.
    private static void ReadAttrStrings(ProtoWireReader entry, List<string> strings)
    {
        while (entry.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == WireType.LengthDelimited)
            {
                var value = entry.ReadMessage();
                while (value.TryReadTag(out var f, out var w))
                {
                    if (f == 8 && w == WireType.LengthDelimited)
                    {
                        var tensor = value.ReadMessage();
                        while (tensor.TryReadTag(out var tf, out var tw))
                        {
                            if (tf == 8 && tw == WireType.LengthDelimited && strings.Count < 16)
                            {
                                strings.Add(tensor.ReadString(MaxText));
                            }
                            else
                            {
                                tensor.Skip(tw);
                            }
                        }
                    }
                    else
                    {
                        value.Skip(w);
                    }
                }
            }
            else
            {
                entry.Skip(wire);
            }
        }
    }

    private sealed record GraphNode(string Name, string Op, List<string> Inputs, List<string> Strings);
}
