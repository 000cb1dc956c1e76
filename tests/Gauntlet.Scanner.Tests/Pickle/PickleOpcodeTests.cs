using Gauntlet.Scanner.Pickle;

namespace Gauntlet.Scanner.Tests;

public sealed class PickleOpcodeTests
{
    /// <summary>CPython's pickletools opcode table (protocols 0–5): name and byte.</summary>
    private static readonly (string Name, byte Code)[] PickleTools =
    [
        ("MARK", 0x28), ("STOP", 0x2E), ("POP", 0x30), ("POP_MARK", 0x31), ("DUP", 0x32), ("FLOAT", 0x46),
        ("INT", 0x49), ("BININT", 0x4A), ("BININT1", 0x4B), ("LONG", 0x4C), ("BININT2", 0x4D), ("NONE", 0x4E),
        ("PERSID", 0x50), ("BINPERSID", 0x51), ("REDUCE", 0x52), ("STRING", 0x53), ("BINSTRING", 0x54),
        ("SHORT_BINSTRING", 0x55), ("UNICODE", 0x56), ("BINUNICODE", 0x58), ("APPEND", 0x61), ("BUILD", 0x62),
        ("GLOBAL", 0x63), ("DICT", 0x64), ("EMPTY_DICT", 0x7D), ("APPENDS", 0x65), ("GET", 0x67), ("BINGET", 0x68),
        ("INST", 0x69), ("LONG_BINGET", 0x6A), ("LIST", 0x6C), ("EMPTY_LIST", 0x5D), ("OBJ", 0x6F), ("PUT", 0x70),
        ("BINPUT", 0x71), ("LONG_BINPUT", 0x72), ("SETITEM", 0x73), ("TUPLE", 0x74), ("EMPTY_TUPLE", 0x29),
        ("SETITEMS", 0x75), ("BINFLOAT", 0x47), ("PROTO", 0x80), ("NEWOBJ", 0x81), ("EXT1", 0x82), ("EXT2", 0x83),
        ("EXT4", 0x84), ("TUPLE1", 0x85), ("TUPLE2", 0x86), ("TUPLE3", 0x87), ("NEWTRUE", 0x88), ("NEWFALSE", 0x89),
        ("LONG1", 0x8A), ("LONG4", 0x8B), ("BINBYTES", 0x42), ("SHORT_BINBYTES", 0x43), ("SHORT_BINUNICODE", 0x8C),
        ("BINUNICODE8", 0x8D), ("BINBYTES8", 0x8E), ("EMPTY_SET", 0x8F), ("ADDITEMS", 0x90), ("FROZENSET", 0x91),
        ("NEWOBJ_EX", 0x92), ("STACK_GLOBAL", 0x93), ("MEMOIZE", 0x94), ("FRAME", 0x95), ("BYTEARRAY8", 0x96),
        ("NEXT_BUFFER", 0x97), ("READONLY_BUFFER", 0x98),
    ];

    [Fact]
    public void Enum_NamesEveryPickletoolsOpcodeWithItsByte()
    {
        Assert.Equal(68, PickleTools.Length);
        var members = Enum.GetValues<PickleOpcode>().ToDictionary(o => o.ToString().ToUpperInvariant(), o => (byte)o, StringComparer.Ordinal);
        Assert.Equal(PickleTools.Length, members.Count);
        foreach (var (name, code) in PickleTools)
        {
            Assert.True(members.TryGetValue(name.Replace("_", "", StringComparison.Ordinal), out var actual), $"{name} has no PickleOpcode member");
            Assert.Equal(code, actual);
        }
    }

    [Fact]
    public void EveryOpcode_IsDispatched_NoneFallsIntoTheUnknownArm()
    {
        foreach (var op in Enum.GetValues<PickleOpcode>())
        {
            var report = ModelScanner.ScanBytes([0x80, 4, (byte)'N', (byte)op], "test.pkl");
            Assert.DoesNotContain(report.Findings, f => f.Message.StartsWith("unknown opcode", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void EveryOtherByte_IsAnUnknownOpcode_AtItsOffset()
    {
        var known = Enum.GetValues<PickleOpcode>().Select(o => (byte)o).ToHashSet();
        Assert.Equal(256 - 68, Enumerable.Range(0, 256).Count(b => !known.Contains((byte)b)));
        foreach (var b in Enumerable.Range(0, 256).Select(b => (byte)b).Where(b => !known.Contains(b)))
        {
            var report = ModelScanner.ScanBytes([0x80, 4, (byte)'N', b, (byte)'.'], "test.pkl");
            var finding = Assert.Single(report.Findings, f => f.Message.StartsWith("unknown opcode", StringComparison.Ordinal));
            Assert.Equal($"unknown opcode 0x{b:x2}", finding.Message);
            Assert.Equal("pickle.malformed", finding.RuleId);
            Assert.Equal(Severity.Medium, finding.Severity);
            Assert.Equal(3, finding.Offset);
        }
    }
}
