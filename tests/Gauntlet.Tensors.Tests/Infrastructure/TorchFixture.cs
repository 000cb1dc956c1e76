using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors.Tests.Infrastructure;

/// <summary>
/// One PyTorch reference case from <c>Fixtures/torch/&lt;family&gt;.json</c>, written by
/// <c>tools/fixtures/make_torch_fixtures.py</c> (format: docs/reference-fixtures.md).
/// </summary>
internal sealed class TorchCase
{
    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors;
    private readonly Dictionary<string, int[]> _ints;
    private readonly Dictionary<string, JsonElement> _attrs;

    public TorchCase(string family, string name, string[] inputs, Dictionary<string, (int[] Shape, float[] Data)> tensors, Dictionary<string, int[]> ints, Dictionary<string, JsonElement> attrs)
    {
        Family = family;
        Name = name;
        Inputs = inputs;
        _tensors = tensors;
        _ints = ints;
        _attrs = attrs;
    }

    /// <summary>The fixture file (op family) the case comes from.</summary>
    public string Family { get; }

    /// <summary>The case name, unique within its family.</summary>
    public string Name { get; }

    /// <summary>Names of the tensors that receive gradients, in the script's order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Whether the case holds a tensor called <paramref name="name"/>.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>A fresh tensor (its own copy of the data) called <paramref name="name"/>.</summary>
    public Tensor Tensor(string name)
    {
        if (!_tensors.TryGetValue(name, out var t))
        {
            throw new KeyNotFoundException($"{this}: no tensor '{name}' (has {string.Join(", ", _tensors.Keys)}).");
        }

        return Gauntlet.Tensors.Tensor.FromArray((float[])t.Data.Clone(), t.Shape);
    }

    /// <summary>The integer list called <paramref name="name"/> (class labels).</summary>
    public int[] Ints(string name) =>
        _ints.TryGetValue(name, out var v) ? (int[])v.Clone() : throw new KeyNotFoundException($"{this}: no integer list '{name}'.");

    /// <summary>An integer attribute.</summary>
    public int Int(string name) => Attr(name).GetInt32();

    /// <summary>A floating-point attribute, rounded to float32 as the script's float32 tensors were.</summary>
    public float Float(string name) => (float)Attr(name).GetDouble();

    /// <summary>A Boolean attribute.</summary>
    public bool Bool(string name) => Attr(name).GetBoolean();

    /// <summary>A string attribute.</summary>
    public string String(string name) => Attr(name).GetString() ?? throw new InvalidDataException($"{this}: attribute '{name}' is null.");

    private JsonElement Attr(string name) =>
        _attrs.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"{this}: no attribute '{name}'.");

    public override string ToString() => $"{Family}/{Name}";
}

/// <summary>Loads and caches the PyTorch fixture files copied next to the test assembly.</summary>
internal static class TorchFixtures
{
    private static readonly ConcurrentDictionary<string, TorchFixtureFile> s_files = new();

    /// <summary>Directory holding the fixture files in the test output.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch");

    /// <summary>The parsed fixture file of <paramref name="family"/>.</summary>
    public static TorchFixtureFile Load(string family) => s_files.GetOrAdd(family, Parse);

    /// <summary>One case by family and name.</summary>
    public static TorchCase Case(string family, string name) =>
        Load(family).Cases.FirstOrDefault(c => c.Name == name)
        ?? throw new KeyNotFoundException($"{family}: no case '{name}'.");

    /// <summary>Every case name of a family, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names(string family)
    {
        var data = new TheoryData<string>();
        foreach (var c in Load(family).Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static TorchFixtureFile Parse(string family)
    {
        var path = Path.Combine(Directory, family + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var cases = new List<TorchCase>();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var tensors = new Dictionary<string, (int[], float[])>();
            foreach (var t in c.GetProperty("tensors").EnumerateObject())
            {
                var shape = t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var data = t.Value.GetProperty("data").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
                if (data.Length != shape.Aggregate(1, (a, b) => a * b))
                {
                    throw new InvalidDataException($"{path}: tensor '{t.Name}' has {data.Length} values for shape [{string.Join(", ", shape)}].");
                }

                tensors[t.Name] = (shape, data);
            }

            var ints = c.GetProperty("ints").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray());
            var attrs = c.GetProperty("attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            var inputs = c.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!).ToArray();
            cases.Add(new TorchCase(family, c.GetProperty("name").GetString()!, inputs, tensors, ints, attrs));
        }

        return new TorchFixtureFile(family, root.GetProperty("torch_version").GetString()!, cases);
    }
}

/// <summary>A parsed fixture file.</summary>
internal sealed record TorchFixtureFile(string Family, string TorchVersion, IReadOnlyList<TorchCase> Cases);

/// <summary>Comparison of Gauntlet results with PyTorch fixtures.</summary>
internal static class TorchAssert
{
    /// <summary>Allowed relative difference from PyTorch's float32 value.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Absolute floor on the allowed difference, for values near zero (|expected| &lt; 0.1).</summary>
    public const double AbsoluteFloor = 1e-5;

    /// <summary>
    /// Asserts equal shapes and, element-wise, <c>|actual − expected| ≤ max(RelativeTolerance · |expected|, AbsoluteFloor)</c>.
    /// The failure message reports the number of mismatches, the worst element and the largest
    /// absolute and relative errors.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape == actual.Shape, $"{what}: expected shape {expected.Shape}, got {actual.Shape}");
        var e = expected.ReadOnlySpan;
        var a = actual.ReadOnlySpan;
        var bad = 0;
        var worst = -1;
        var worstExcess = 0.0;
        var maxAbs = 0.0;
        var maxRel = 0.0;
        for (var i = 0; i < e.Length; i++)
        {
            var diff = Math.Abs((double)a[i] - e[i]);
            if (double.IsNaN(diff))
            {
                diff = double.PositiveInfinity;
            }

            var allowed = Math.Max(RelativeTolerance * Math.Abs(e[i]), AbsoluteFloor);
            maxAbs = Math.Max(maxAbs, diff);
            if (e[i] != 0f)
            {
                maxRel = Math.Max(maxRel, diff / Math.Abs(e[i]));
            }

            if (!(diff <= allowed))
            {
                bad++;
                if (diff / allowed > worstExcess)
                {
                    worstExcess = diff / allowed;
                    worst = i;
                }
            }
        }

        if (bad > 0)
        {
            var msg = new StringBuilder();
            msg.Append(CultureInfo.InvariantCulture, $"{what}: {bad} of {e.Length} elements differ from PyTorch beyond max({RelativeTolerance:G2}·|expected|, {AbsoluteFloor:G2}); ");
            msg.Append(CultureInfo.InvariantCulture, $"worst at flat index {worst}: expected {e[worst]:G9}, got {a[worst]:G9}; ");
            msg.Append(CultureInfo.InvariantCulture, $"max abs error {maxAbs:G3}, max rel error {maxRel:G3}.");
            Assert.Fail(msg.ToString());
        }
    }

    /// <summary>
    /// Evaluates <paramref name="forward"/> on the case's tensors (every tensor named in
    /// <see cref="TorchCase.Inputs"/> requires a gradient), compares the result with <c>output</c>,
    /// then compares <c>∂ sum(grad_output · output) / ∂input</c> with <c>grad.&lt;input&gt;</c> for
    /// every input. Returns the tensors passed to <paramref name="forward"/> (for state checks).
    /// </summary>
    public static Dictionary<string, Tensor> ForwardAndGradients(TorchCase c, Func<Dictionary<string, Tensor>, Tensor> forward)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var name in c.Inputs)
        {
            tensors[name] = c.Tensor(name).RequireGrad();
        }

        foreach (var name in new[] { "running_mean", "running_var", "target" })
        {
            if (c.Has(name) && !tensors.ContainsKey(name))
            {
                tensors[name] = c.Tensor(name);
            }
        }

        var output = forward(tensors);
        Close(c.Tensor("output"), output, $"{c} output");
        var leaves = c.Inputs.Select(n => tensors[n]).ToArray();
        var grads = Autodiff.Grad(output, leaves, c.Tensor("grad_output"));
        for (var i = 0; i < leaves.Length; i++)
        {
            Close(c.Tensor("grad." + c.Inputs[i]), grads[i], $"{c} grad.{c.Inputs[i]}");
        }

        return tensors;
    }
}
