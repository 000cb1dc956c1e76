using System.Buffers.Binary;
using System.Text;

namespace Gauntlet.Data.Tests;

public sealed class NpyArrayTests : TempDirTest
{
    private const string NumpyTestData = "/usr/lib/python3/dist-packages/numpy/lib/tests/data";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_Float32_AllFormatVersions(int major)
    {
        var path = Write($"v{major}.npy", TestFiles.Npy("<f4", [2, 3], TestFiles.Float32Le(0f, 1.5f, -2f, 3.25f, float.MaxValue, -0.5f), major));
        var a = NpyArray.Read(path);
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(NpyElementType.Float32, a.ElementType);
        Assert.Equal([0f, 1.5f, -2f, 3.25f, float.MaxValue, -0.5f], a.ToSingleArray());
        Assert.False(a.IsInteger);
    }

    [Fact]
    public void Read_BigEndianFloat64AndInt32()
    {
        var f8 = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(f8, 0.25);
        BinaryPrimitives.WriteDoubleBigEndian(f8.AsSpan(8), -1e10);
        Assert.Equal([0.25f, -1e10f], NpyArray.Read(Write("be.npy", TestFiles.Npy(">f8", [2], f8))).ToSingleArray());
        var i4 = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(i4, -7);
        BinaryPrimitives.WriteInt32BigEndian(i4.AsSpan(4), 70000);
        Assert.Equal([-7L, 70000L], NpyArray.Read(Write("bei.npy", TestFiles.Npy(">i4", [2], i4))).ToInt64Array("t"));
    }

    [Theory]
    [InlineData("|u1", new byte[] { 0, 255, 7 }, new long[] { 0, 255, 7 })]
    [InlineData("|i1", new byte[] { 0, 255, 7 }, new long[] { 0, -1, 7 })]
    [InlineData("|b1", new byte[] { 0, 1, 1 }, new long[] { 0, 1, 1 })]
    [InlineData("<i2", new byte[] { 1, 0, 0xFF, 0xFF, 0, 1 }, new long[] { 1, -1, 256 })]
    [InlineData("<u2", new byte[] { 1, 0, 0xFF, 0xFF, 0, 1 }, new long[] { 1, 65535, 256 })]
    [InlineData(">u2", new byte[] { 1, 0, 0xFF, 0xFF, 0, 1 }, new long[] { 256, 65535, 1 })]
    public void Read_IntegerDtypes(string descr, byte[] payload, long[] expected)
    {
        var a = NpyArray.Read(Write("i.npy", TestFiles.Npy(descr, [3], payload)));
        Assert.True(a.IsInteger);
        Assert.Equal(expected, a.ToInt64Array("t"));
        Assert.Equal(expected.Select(v => (float)v).ToArray(), a.ToSingleArray());
    }

    [Fact]
    public void Read_Int64Labels()
    {
        var a = NpyArray.Read(Write("l.npy", TestFiles.Npy("<i8", [4], TestFiles.Int64Le(3, 0, 9, 1L << 40))));
        Assert.Equal(NpyElementType.Int64, a.ElementType);
        Assert.Equal([3L, 0L, 9L, 1L << 40], a.ToInt64Array("t"));
    }

    [Fact]
    public void Read_ScalarAndEmptyShapes()
    {
        var scalar = NpyArray.Read(Write("s.npy", TestFiles.Npy("<f4", [], TestFiles.Float32Le(4f), rawDict: "{'descr': '<f4', 'fortran_order': False, 'shape': (), }")));
        Assert.Empty(scalar.Shape);
        Assert.Equal([4f], scalar.ToSingleArray());
        var empty = NpyArray.Read(Write("e.npy", TestFiles.Npy("<f4", [0, 5], [])));
        Assert.Equal([0, 5], empty.Shape);
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public void Read_HeaderWithReorderedKeysDoubleQuotesAndPython2Longs()
    {
        var dict = "{\"shape\": (2L, 1L), 'fortran_order' : False ,'descr':'<f4'}";
        var a = NpyArray.Read(Write("h.npy", TestFiles.Npy("", [], TestFiles.Float32Le(1f, 2f), rawDict: dict)));
        Assert.Equal([2, 1], a.Shape);
    }

    [Fact]
    public void Read_FortranOrder_RefusedWithAdvice()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("f.npy", TestFiles.Npy("<f4", [1, 2], TestFiles.Float32Le(1, 2), fortran: true))));
        Assert.Contains("f.npy", ex.Message);
        Assert.Contains("Fortran", ex.Message);
        Assert.Contains("C order", ex.Message);
    }

    [Fact]
    public void Read_ObjectArray_RefusedBecauseItWouldUnpickle()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("o.npy", TestFiles.Npy("|O", [2], new byte[16]))));
        Assert.Contains("unpickling", ex.Message);
        Assert.Contains("code", ex.Message);
    }

    [Theory]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "structured")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "lacks the key 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "'fortran_order' is 0")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "'shape' entry 0")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "'shape' is a list")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", "malformed")]
    [InlineData("{'descr': '<f4', 'fortran_order': Falsy, 'shape': (1,)}", "unknown name 'Falsy'")]
    [InlineData("['descr']", "not a dict")]
    public void Read_BadHeader_GivesSpecificError(string dict, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("bad.npy", TestFiles.Npy("", [], new byte[4], rawDict: dict))));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("bad.npy", ex.Message);
    }

    [Fact]
    public void Read_BadMagicVersionAndTrailingBytes()
    {
        Assert.Contains("not a NumPy", Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("m.npy", Encoding.ASCII.GetBytes("NUMPY!!!!!!!!")))).Message);
        var v4 = TestFiles.Npy("<f4", [1], TestFiles.Float32Le(1));
        v4[6] = 4;
        Assert.Contains("version 4.0", Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("v.npy", v4))).Message);
        var extra = TestFiles.Npy("<f4", [1], TestFiles.Float32Le(1, 2));
        Assert.Contains("unexpected bytes", Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("x.npy", extra))).Message);
    }

    [Fact]
    public void Read_EveryTruncation_GivesInvalidDataNamingFile()
    {
        var bytes = TestFiles.Npy("<f4", [3], TestFiles.Float32Le(1, 2, 3));
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var path = Write("cut.npy", bytes[..cut]);
            var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(path));
            Assert.Contains("cut.npy", ex.Message);
        }
    }

    [Fact]
    public void Read_HugeDeclaredShape_RefusedBeforeAllocating()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("huge.npy", TestFiles.Npy("<i8", [1000000000], TestFiles.Int64Le(1)))));
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("huge.npy", ex.Message);
        Assert.Contains("too large", Assert.Throws<InvalidDataException>(() => NpyArray.Read(Write("h2.npy", TestFiles.Npy("<f4", [65536, 65536], [])))).Message);
    }

    [SkippableTheory]
    [InlineData("python3.npy")]
    [InlineData("win64python2.npy")]
    public void Read_NumpyShippedTestFiles(string name)
    {
        var path = Path.Combine(NumpyTestData, name);
        Skip.IfNot(File.Exists(path), $"{path} is absent (Debian package python3-numpy not installed)");

        var a = NpyArray.Read(path);
        Assert.Equal([2], a.Shape);
        Assert.Equal(NpyElementType.Float64, a.ElementType);
        Assert.Equal([1f, 1f], a.ToSingleArray());
    }

    [SkippableFact]
    public void Read_NumpyShippedObjectArray_IsRefused()
    {
        var obj = Path.Combine(NumpyTestData, "py3-objarr.npy");
        Skip.IfNot(File.Exists(obj), $"{obj} is absent (Debian package python3-numpy not installed)");

        Assert.Contains("unpickling", Assert.Throws<InvalidDataException>(() => NpyArray.Read(obj)).Message);
    }

    [SkippableFact]
    public void Read_MatplotlibSampleGrid()
    {
        const string matplotlib = "/usr/share/matplotlib/mpl-data/sample_data/axes_grid/bivariate_normal.npy";
        Skip.IfNot(File.Exists(matplotlib), $"{matplotlib} is absent (Debian package python3-matplotlib not installed)");

        var grid = NpyArray.Read(matplotlib);
        Assert.Equal([15, 15], grid.Shape);
        Assert.All(grid.ToSingleArray(), v => Assert.True(float.IsFinite(v)));
    }
}
