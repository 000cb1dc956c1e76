using System.Text;
using CsCheck;
using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Tests;

public sealed class PickleProbeTests
{
    // pickle.dumps({'a': [1, 2.5, 'x', None, True, 10**30], 'b': (b'q',)}, protocol=0) and =1, and an OrderedDict, from CPython 3.11.
    private const string Protocol0 = "(dp0\nVa\np1\n(lp2\nI1\naF2.5\naVx\np3\naNaI01\naL1000000000000000000000000000000L\nasVb\np4\n(c_codecs\nencode\np5\n(Vq\np6\nVlatin1\np7\ntp8\nRp9\ntp10\ns.";
    private const string Protocol1 = "}q\u0000(X\u0001\u0000\u0000\u0000aq\u0001]q\u0002(K\u0001G@\u0004\u0000\u0000\u0000\u0000\u0000\u0000X\u0001\u0000\u0000\u0000xq\u0003NI01\nL1000000000000000000000000000000L\neX\u0001\u0000\u0000\u0000bq\u0004(c_codecs\nencode\nq\u0005(X\u0001\u0000\u0000\u0000qq\u0006X\u0006\u0000\u0000\u0000latin1q\u0007tq\u0008Rq\ttq\nu.";
    private const string OrderedDict = "ccollections\nOrderedDict\np0\n(tRp1\nVa\np2\nI1\ns.";

    [Theory]
    [InlineData(Protocol0)]
    [InlineData(Protocol1)]
    [InlineData(OrderedDict)]
    [InlineData("cos\nsystem\n(S'id'\ntR.")]
    [InlineData("cos\nsystem\n(S'id'\ntR")] // truncated after REDUCE: the call has run, so still a pickle
    [InlineData("(S'id'\nios\nsystem\n.")]
    [InlineData("cos\nsystem\n(S'id'\ntR\u00ff garbage after the call")] // refused only after the call has run
    [InlineData("cos\nsystem\n)")] // ends right after an import
    public void RealPickles_AreWellFormed(string pickle)
    {
        var bytes = Encoding.Latin1.GetBytes(pickle);
        Assert.Null(PickleProbe.Problem(bytes, whole: true));
    }

    [Fact]
    public void APickleCutByTheHead_IsWellFormedSoFar()
    {
        var bytes = Encoding.Latin1.GetBytes("(S'" + new string('a', 100));
        Assert.Null(PickleProbe.Problem(bytes, whole: false));
    }

    [Fact]
    public void AGlobalCutByTheHead_IsJudgedWithoutThrowing()
    {
        // Found by the fuzz below: a module line running past the head once read past its end.
        Assert.Null(PickleProbe.Problem("i"u8, whole: false));
        byte[] file = [(byte)'i', .. Enumerable.Repeat((byte)'a', 5000)];
        var report = ModelScanner.ScanBytes(file, "weights.bin");
        Assert.Equal(ArtifactFormat.Pickle, report.Format);
        Assert.Contains(report.Findings, f => f.RuleId == "pickle.malformed");
    }

    [Theory]
    [InlineData("c\nchanges since 1.0\n", "empty module in GLOBAL/INST at offset 0")]
    [InlineData("cos system\nx\n", "module in GLOBAL/INST contains whitespace or control bytes at offset 0")]
    [InlineData("cos", "module line of GLOBAL/INST is not terminated at offset 0")]
    [InlineData("(draft) see CHANGES\n", "byte 0x20 is not a pickle opcode at offset 7")]
    [InlineData("(hello)\n", "memo slot 101 read before it is set at offset 1")]
    [InlineData("(see notes)\n", "stack underflow at offset 1")]
    [InlineData("S'unterminated\n.", "STRING argument is not quoted at offset 0")]
    [InlineData("Ione\n.", "INT/LONG argument is not an integer at offset 0")]
    [InlineData(".", "stack underflow at offset 0")]
    [InlineData("N\u00ff", "byte 0xff is not a pickle opcode at offset 1")]
    public void TextAndBinary_ThatStartLikePickles_AreRefused(string text, string problem)
    {
        Assert.Equal(problem, PickleProbe.Problem(Encoding.Latin1.GetBytes(text), whole: true));
    }

    [Fact]
    public void BinaryAfterAGlobalByte_IsRefused()
    {
        byte[] bytes = [(byte)'c', .. Enumerable.Range(0, 256).Select(i => (byte)i)];
        Assert.Equal("module in GLOBAL/INST contains whitespace or control bytes at offset 0", PickleProbe.Problem(bytes, whole: true));
    }

    [Fact]
    public void AnyBytes_AreJudgedWithoutThrowing_AndEveryPrefixOfARealPickleIsWellFormed()
    {
        // Random bytes biased towards protocol 0/1 opcodes and newlines, where the parser works hardest.
        var opcodeBytes = Encoding.Latin1.GetBytes("()c.0tNISVKJUTXpgqhrsadlebRoi\n'");
        var genByte = Gen.Frequency((3, Gen.Int[0, opcodeBytes.Length - 1].Select(i => opcodeBytes[i])), (1, Gen.Byte));
        var cases = 0;
        genByte.Array[0, 300].Sample(bytes =>
        {
            Interlocked.Increment(ref cases);
            _ = PickleProbe.Problem(bytes, whole: true);
            _ = PickleProbe.Problem(bytes, whole: false);
        }, iter: 20_000, seed: "0N0XIzNsQ0O2");
        Assert.Equal(20_000, cases);

        var real = Encoding.Latin1.GetBytes(Protocol0);
        for (var n = 0; n <= real.Length; n++)
        {
            Assert.Null(PickleProbe.Problem(real.AsSpan(0, n), whole: false));
        }
    }
}
