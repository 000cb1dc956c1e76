using System.Text.RegularExpressions;
using Gauntlet.Onnx.Operators;
using Gauntlet.TestSupport;

namespace Gauntlet.Onnx.Tests.Operators;

public sealed class OnnxOperatorTableTests
{
    /// <summary>The operator count README.md states; ConformanceTests checks the README text itself.</summary>
    private const int SupportedOperatorCount = 121;

    [Fact]
    public void Table_holds_every_supported_operator()
    {
        Assert.Equal(SupportedOperatorCount, OnnxOperatorTable.Supported.Count);
        Assert.Same(OnnxOperatorTable.Supported, OnnxSession.SupportedOps);
        Assert.Contains("Conv", OnnxSession.SupportedOps);
        Assert.Contains("Resize", OnnxSession.SupportedOps);
        Assert.DoesNotContain("Loop", OnnxSession.SupportedOps);
    }

    [Fact]
    public void Docs_operator_table_lists_exactly_the_dispatch_table()
    {
        // docs/onnx.md's "Operators (default domain)" table, second column: names, with notes in parentheses.
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "onnx.md"));
        var section = docs[docs.IndexOf("### Operators (default domain)", StringComparison.Ordinal)..docs.IndexOf("### Not supported", StringComparison.Ordinal)];
        var ml = section.IndexOf("### Operators (ai.onnx.ml domain)", StringComparison.Ordinal);
        Assert.True(ml > 0, "docs/onnx.md has no ai.onnx.ml operator table");
        static IEnumerable<string> Names(string text) => text.Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| group", StringComparison.Ordinal) && !l.StartsWith("| ---", StringComparison.Ordinal))
            .SelectMany(l => Regex.Replace(l.Split('|')[2], @"\([^)]*\)", "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        var documented = Names(section[..ml]).Concat(Names(section[ml..]).Select(n => "ai.onnx.ml." + n)).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(documented.Except(OnnxOperatorTable.Supported));
        Assert.Empty(OnnxOperatorTable.Supported.Except(documented));
    }

    [Fact]
    public void Execute_runs_the_registered_kernel()
    {
        var node = new OnnxNode { OpType = "Add", Inputs = ["x", "y"], Outputs = ["z"] };
        var x = OnnxValue.FromInts([1, 2, 3], [3]);
        var y = OnnxValue.FromInts([10], [1]);
        var z = Assert.Single(OnnxOperatorTable.Execute(node, [x, y], 17));
        Assert.Equal([11L, 12L, 13L], z!.Ints!);
        Assert.Equal([3], z.ShapeArray);
    }

    [Fact]
    public void Execute_rejects_an_operator_not_in_the_table()
    {
        var node = new OnnxNode { OpType = "Loop", Inputs = [], Outputs = ["z"] };
        var e = Assert.Throws<NotSupportedException>(() => OnnxOperatorTable.Execute(node, [], 17));
        Assert.Equal("ONNX: operator Loop is not supported.", e.Message);
    }

    [Fact]
    public void Registry_rejects_an_operator_registered_twice()
    {
        var registry = new OnnxOperatorRegistry();
        registry.Add("Relu", (n, a, _) => a);
        var e = Assert.Throws<InvalidOperationException>(() => registry.Add("Relu", (n, a, _) => a));
        Assert.Equal("ONNX operator Relu is registered twice.", e.Message);
    }
}
