using System.Text;

namespace Gauntlet.Scanner.Tests;

public sealed class PickleAnalyzerTests
{
    [Fact]
    public void StackGlobal_ResolvesNamesThroughTheMemo()
    {
        // PROTO 4, 'os' MEMOIZE, 'system' MEMOIZE, POP, POP, BINGET 0, BINGET 1, STACK_GLOBAL, 'id', TUPLE1, REDUCE, STOP
        var report = Scan([0x80, 4, 0x8c, 2, .. "os"u8, 0x94, 0x8c, 6, .. "system"u8, 0x94, (byte)'0', (byte)'0', (byte)'h', 0, (byte)'h', 1, 0x93, 0x8c, 2, .. "id"u8, 0x85, (byte)'R', (byte)'.']);
        var finding = Assert.Single(report.Findings, f => f.Severity == Severity.Critical);
        Assert.Contains("os.system('id')", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StackGlobal_OnComputedValues_IsReportedAsDynamic()
    {
        // The module name is the result of a call, so it is not known statically.
        var bytes = Bytes(0x80, 4, "c_codecs\nencode\n(", 0x8c, 2, "os", 0x8c, 6, "latin1", "tR", 0x8c, 6, "system", 0x93, ".");
        var report = Scan(bytes);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.dynamic-callable" && f.Severity == Severity.High);
    }

    [Fact]
    public void MemoOverwrite_IsAMemoTrick()
    {
        var report = Scan(Bytes(0x80, 2, 0x8c, 1, "a", "q", 0, 0x8c, 1, "b", "q", 0, "0h", 0, "."));
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.memo-trick" && f.Message.Contains("overwritten", StringComparison.Ordinal));
    }

    [Fact]
    public void HugeMemoIndex_IsResourceExhaustion()
    {
        var report = Scan([0x80, 2, (byte)'N', (byte)'r', 0xFF, 0xFF, 0xFF, 0x7F, (byte)'.']);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.resource-exhaustion");
    }

    [Fact]
    public void UnsupportedProtocol_IsMalformed()
    {
        var report = Scan([0x80, 9, (byte)'N', (byte)'.']);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.malformed" && f.Message.Contains("protocol 9", StringComparison.Ordinal));
    }

    [Fact]
    public void ExtensionRegistryOpcodes_AreReported()
    {
        var report = Scan([0x80, 2, 0x82, 1, (byte)')', (byte)'R', (byte)'.']);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.extension-registry");
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.dynamic-callable");
    }

    [Fact]
    public void BuildOnAGlobal_IsMonkeyPatching()
    {
        var report = Scan(Bytes(0x80, 2, "csys\nmodules\n}b."));
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.dynamic-callable" && f.Message.Contains("BUILD", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("os", "system", Severity.Critical)]
    [InlineData("builtins", "getattr", Severity.High)]
    [InlineData("__builtin__", "eval", Severity.Critical)]
    [InlineData("torch._utils", "_rebuild_tensor_v2", Severity.Info)]
    [InlineData("torch", "FloatStorage", Severity.Info)]
    [InlineData("sklearn.linear_model._logistic", "LogisticRegression", Severity.Info)]
    [InlineData("numpy.f2py.crackfortran", "myeval", Severity.Critical)]
    [InlineData("collections", "OrderedDict", Severity.Info)]
    [InlineData("some.module", "thing", Severity.Medium)]
    [InlineData("builtins", "whatever", Severity.High)]
    public void Classifier_RanksCallables(string module, string name, Severity expected)
    {
        Assert.Equal(expected, Pickle.CallableClassifier.Classify(module, name).Severity);
    }

    [Theory]
    [InlineData("V")]
    [InlineData("S'")]
    public void LongProtocol0String_IsNotTruncated(string opcode)
    {
        var quote = opcode == "S'" ? "'" : string.Empty;
        var report = Scan(Bytes("(dp0\nVvocab\np1\n" + opcode + new string('a', 100_000) + quote + "\np2\ns."));

        Assert.Empty(report.Findings);
        Assert.Equal(ArtifactFormat.Pickle, report.Format);
    }

    [Fact]
    public void LongProtocol0String_AsACallArgument_IsPreviewed()
    {
        var report = Scan(Bytes("cos\nsystem\n(S'" + new string('x', 70_000) + "'\ntR."));

        var finding = Assert.Single(report.Findings);
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Contains("os.system('<70,000-character string starting xxxxxxxx", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocol0String_CutByTheEndOfTheStream_IsTruncated()
    {
        var report = Scan(Bytes("(S'" + new string('a', 100_000)));

        Assert.Contains(report.Findings, f => f.RuleId == "pickle.malformed" && f.Message.Contains("truncated STRING", StringComparison.Ordinal));
    }

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.Latin1.GetBytes(s) : [Convert.ToByte(p, System.Globalization.CultureInfo.InvariantCulture)])];

    private static ArtifactReport Scan(byte[] bytes) => ModelScanner.ScanBytes(bytes, "test.pkl");
}
