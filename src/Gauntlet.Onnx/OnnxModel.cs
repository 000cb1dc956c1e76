namespace Gauntlet.Onnx;

/// <summary>ONNX tensor element types (the <c>TensorProto.DataType</c> enumeration).</summary>
public enum OnnxDataType
{
    /// <summary>Not set.</summary>
    Undefined = 0,

    /// <summary>32-bit float.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>UTF-8 string (not supported by the executor).</summary>
    String = 8,

    /// <summary>Boolean.</summary>
    Bool = 9,

    /// <summary>IEEE half precision (loaded, not executed).</summary>
    Float16 = 10,

    /// <summary>64-bit float (executed in float32).</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>Complex of two float32 (not supported).</summary>
    Complex64 = 14,

    /// <summary>Complex of two float64 (not supported).</summary>
    Complex128 = 15,

    /// <summary>Brain float16 (loaded, not executed).</summary>
    BFloat16 = 16,
}

/// <summary>An opset import: a domain (empty for the default ONNX domain) and its version.</summary>
/// <param name="Domain">The operator domain; "" or "ai.onnx" is the default domain.</param>
/// <param name="Version">The opset version.</param>
public readonly record struct OnnxOpset(string Domain, long Version);

/// <summary>One dimension of a declared shape: a fixed size, a symbolic name, or unknown.</summary>
/// <param name="Value">The fixed size, or null when symbolic or unknown.</param>
/// <param name="Param">The symbolic name (e.g. "batch"), or null.</param>
public readonly record struct OnnxDim(long? Value, string? Param)
{
    /// <inheritdoc/>
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>A graph input, output or value_info entry: name, element type and (optional) shape.</summary>
/// <param name="Name">The value name.</param>
/// <param name="ElementType">The tensor element type, or <see cref="OnnxDataType.Undefined"/> for non-tensor types.</param>
/// <param name="Shape">The declared shape, or null when the rank is unknown.</param>
public sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDim>? Shape)
{
    /// <summary>The shape formatted as <c>[batch, 3, 224, 224]</c>, or <c>?</c> when unknown.</summary>
    public string ShapeText => Shape is null ? "?" : "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// A decoded <c>TensorProto</c>. Floating types (float, double, float16, bfloat16) are decoded
/// into <see cref="FloatData"/>; integer and boolean types into <see cref="IntData"/>.
/// </summary>
public sealed class OnnxTensor
{
    /// <summary>Creates a decoded tensor.</summary>
    /// <param name="name">The tensor name (may be empty).</param>
    /// <param name="dataType">The element type.</param>
    /// <param name="dims">The dimensions.</param>
    /// <param name="floatData">Values for floating types, else null.</param>
    /// <param name="intData">Values for integer and boolean types, else null.</param>
    public OnnxTensor(string name, OnnxDataType dataType, long[] dims, float[]? floatData, long[]? intData)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
        FloatData = floatData;
        IntData = intData;
    }

    /// <summary>The tensor name.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public OnnxDataType DataType { get; }

    /// <summary>The dimensions (empty for a scalar).</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>Values of a floating tensor, row-major, or null.</summary>
    public float[]? FloatData { get; }

    /// <summary>Values of an integer or boolean tensor, row-major, or null.</summary>
    public long[]? IntData { get; }

    /// <summary>Number of elements.</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes per element in the ONNX encoding.</summary>
    public int ElementBytes => ElementSize(DataType);

    internal static int ElementSize(OnnxDataType t) => t switch
    {
        OnnxDataType.UInt8 or OnnxDataType.Int8 or OnnxDataType.Bool => 1,
        OnnxDataType.UInt16 or OnnxDataType.Int16 or OnnxDataType.Float16 or OnnxDataType.BFloat16 => 2,
        OnnxDataType.Float or OnnxDataType.Int32 or OnnxDataType.UInt32 => 4,
        OnnxDataType.Double or OnnxDataType.Int64 or OnnxDataType.UInt64 or OnnxDataType.Complex64 => 8,
        OnnxDataType.Complex128 => 16,
        _ => 0,
    };

    internal static bool IsFloating(OnnxDataType t) =>
        t is OnnxDataType.Float or OnnxDataType.Double or OnnxDataType.Float16 or OnnxDataType.BFloat16;
}

/// <summary>The kind of an attribute value (<c>AttributeProto.AttributeType</c>).</summary>
public enum OnnxAttributeType
{
    /// <summary>Not set.</summary>
    Undefined = 0,

    /// <summary>A float.</summary>
    Float = 1,

    /// <summary>An integer.</summary>
    Int = 2,

    /// <summary>A string.</summary>
    String = 3,

    /// <summary>A tensor.</summary>
    Tensor = 4,

    /// <summary>A subgraph.</summary>
    Graph = 5,

    /// <summary>A list of floats.</summary>
    Floats = 6,

    /// <summary>A list of integers.</summary>
    Ints = 7,

    /// <summary>A list of strings.</summary>
    Strings = 8,

    /// <summary>A list of tensors.</summary>
    Tensors = 9,

    /// <summary>A list of subgraphs.</summary>
    Graphs = 10,
}

/// <summary>A node attribute.</summary>
public sealed class OnnxAttribute
{
    /// <summary>The attribute name.</summary>
    public required string Name { get; init; }

    /// <summary>The declared kind.</summary>
    public OnnxAttributeType Type { get; init; }

    /// <summary>The float value.</summary>
    public float Float { get; init; }

    /// <summary>The integer value.</summary>
    public long Int { get; init; }

    /// <summary>The string value.</summary>
    public string? String { get; init; }

    /// <summary>The tensor value.</summary>
    public OnnxTensor? Tensor { get; init; }

    /// <summary>The subgraph value (loaded, not executed).</summary>
    public OnnxGraphProto? Graph { get; init; }

    /// <summary>The float list.</summary>
    public IReadOnlyList<float> Floats { get; init; } = [];

    /// <summary>The integer list.</summary>
    public IReadOnlyList<long> Ints { get; init; } = [];

    /// <summary>The string list.</summary>
    public IReadOnlyList<string> Strings { get; init; } = [];
}

/// <summary>A graph node: an operator applied to named inputs, producing named outputs.</summary>
public sealed class OnnxNode
{
    /// <summary>The operator type, e.g. <c>Conv</c>.</summary>
    public required string OpType { get; init; }

    /// <summary>The operator domain ("" for the default ONNX domain).</summary>
    public string Domain { get; init; } = "";

    /// <summary>The node name (may be empty).</summary>
    public string Name { get; init; } = "";

    /// <summary>Input value names; "" marks an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Output value names; "" marks an omitted optional output.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Attributes by name.</summary>
    public IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; init; } = new Dictionary<string, OnnxAttribute>();

    /// <summary>The input name at <paramref name="i"/>, or null when absent or empty.</summary>
    /// <param name="i">The input position.</param>
    /// <returns>The name or null.</returns>
    public string? Input(int i) => i < Inputs.Count && Inputs[i].Length > 0 ? Inputs[i] : null;

    internal long GetInt(string name, long fallback) => Attributes.TryGetValue(name, out var a) ? a.Int : fallback;

    internal float GetFloat(string name, float fallback) => Attributes.TryGetValue(name, out var a) ? a.Float : fallback;

    internal string? GetString(string name) => Attributes.TryGetValue(name, out var a) ? a.String : null;

    internal long[]? GetInts(string name) => Attributes.TryGetValue(name, out var a) ? [.. a.Ints] : null;

    /// <inheritdoc/>
    public override string ToString() => $"{OpType} '{Name}' ({string.Join(", ", Inputs)}) -> ({string.Join(", ", Outputs)})";
}

/// <summary>A decoded <c>GraphProto</c>.</summary>
public sealed class OnnxGraphProto
{
    /// <summary>The graph name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Nodes in file order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; init; } = [];

    /// <summary>Initializers (weights and constants) by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; init; } = new Dictionary<string, OnnxTensor>();

    /// <summary>Declared inputs, including those that are also initializers in older models.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; init; } = [];

    /// <summary>Declared outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; init; } = [];

    /// <summary>Inputs the caller must feed (declared inputs that are not initializers).</summary>
    public IEnumerable<OnnxValueInfo> RuntimeInputs => Inputs.Where(i => !Initializers.ContainsKey(i.Name));
}

/// <summary>A loaded ONNX model: metadata, opset imports and the main graph.</summary>
public sealed class OnnxModel
{
    /// <summary>The IR version.</summary>
    public long IrVersion { get; init; }

    /// <summary>The producer (e.g. "pytorch").</summary>
    public string ProducerName { get; init; } = "";

    /// <summary>The producer version.</summary>
    public string ProducerVersion { get; init; } = "";

    /// <summary>Opset imports.</summary>
    public IReadOnlyList<OnnxOpset> Opsets { get; init; } = [];

    /// <summary>Metadata key/value pairs.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The main graph.</summary>
    public required OnnxGraphProto Graph { get; init; }

    /// <summary>The path the model was loaded from, or null.</summary>
    public string? Path { get; init; }

    /// <summary>The default-domain opset version (1 when none is imported).</summary>
    public long DefaultOpset =>
        Opsets.Where(o => o.Domain.Length == 0 || o.Domain == "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

    /// <summary>
    /// Loads a model file. External tensor data is read relative to the model's folder; locations
    /// that escape it are refused. The file and its external data are read through
    /// <see cref="Gauntlet.Core.IO.InputFile"/>: regular files only, each within
    /// <see cref="Gauntlet.Core.IO.InputLimits.InputBytes"/> (4 GiB unless GAUNTLET_MAX_INPUT_BYTES says otherwise).
    /// </summary>
    /// <param name="path">The .onnx file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The path is a folder, a FIFO or device, over the size limit, or the file is malformed; the message names the file and the problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static OnnxModel Load(string path) => OnnxParser.LoadModel(path);

    /// <summary>Parses a model from bytes (external data is refused).</summary>
    /// <param name="bytes">The serialized ModelProto.</param>
    /// <param name="sourceName">A name for error messages.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The bytes are malformed.</exception>
    public static OnnxModel Parse(byte[] bytes, string sourceName = "<memory>") => OnnxParser.ParseModel(bytes, sourceName, null);

    /// <summary>Reads a standalone serialized <c>TensorProto</c> file (as in ONNX test data sets).</summary>
    /// <param name="path">The .pb file.</param>
    /// <returns>The decoded tensor.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is not a regular file within the size limit, or the file is malformed.</exception>
    public static OnnxTensor LoadTensor(string path) => OnnxParser.LoadTensor(path);

    /// <summary>Number of parameters (elements of all initializers) and their encoded size in bytes.</summary>
    /// <returns>The count and bytes.</returns>
    public (long Count, long Bytes) ParameterStats()
    {
        long count = 0, bytes = 0;
        foreach (var t in Graph.Initializers.Values)
        {
            count += t.ElementCount;
            bytes += t.ElementCount * t.ElementBytes;
        }

        return (count, bytes);
    }
}
