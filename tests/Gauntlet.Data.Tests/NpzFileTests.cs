using System.IO.Compression;

namespace Gauntlet.Data.Tests;

public sealed class NpzFileTests : TempDirTest
{
    private string WriteNpz(string name, CompressionLevel level, params (string Member, byte[] Bytes)[] members)
    {
        var path = Path.Combine(Dir, name);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (member, bytes) in members)
            {
                using var s = zip.CreateEntry(member, level).Open();
                s.Write(bytes);
            }
        }

        return path;
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Open_ListsMembersAndReadsByName_StoredAndDeflated(CompressionLevel level)
    {
        var path = WriteNpz("a.npz", level,
            ("x.npy", TestFiles.Npy("|u1", [2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 255])),
            ("y.npy", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(1, 0))));
        using var npz = NpzFile.Open(path);
        Assert.Equal(["x", "y"], npz.Names);
        Assert.Equal([0f, 1, 2, 3, 4, 5, 6, 255], npz.Read("x").ToSingleArray());
        Assert.Equal([1L, 0L], npz.Read("y.npy").ToInt64Array("y"));
        var missing = Assert.Throws<KeyNotFoundException>(() => npz.Read("z"));
        Assert.Contains("x, y", missing.Message);
    }

    [Fact]
    public void Read_MemberLargerThanCap_RefusedAsZipBomb()
    {
        var path = WriteNpz("bomb.npz", CompressionLevel.Optimal, ("x.npy", TestFiles.Npy("|u1", [100000], new byte[100000])));
        using var npz = NpzFile.Open(path, maxMemberBytes: 10000);
        var ex = Assert.Throws<InvalidDataException>(() => npz.Read("x"));
        Assert.Contains("zip bomb", ex.Message);
        Assert.Contains("bomb.npz", ex.Message);
    }

    [Fact]
    public void Read_MemberDeclaringMoreValuesThanItHolds_RefusedBeforeAllocating()
    {
        var path = WriteNpz("lie.npz", CompressionLevel.Optimal, ("x.npy", TestFiles.Npy("<i8", [1000000000], TestFiles.Int64Le(1))));
        using var npz = NpzFile.Open(path);
        var ex = Assert.Throws<InvalidDataException>(() => npz.Read("x"));
        Assert.Contains("lie.npz:x.npy", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Open_NotAZip_GivesInvalidData()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NpzFile.Open(Write("n.npz", [1, 2, 3, 4])));
        Assert.Contains("n.npz", ex.Message);
    }

    [Fact]
    public void Open_EveryTruncation_GivesInvalidData()
    {
        var bytes = File.ReadAllBytes(WriteNpz("full.npz", CompressionLevel.Optimal, ("x.npy", TestFiles.Npy("<f4", [4], TestFiles.Float32Le(1, 2, 3, 4)))));
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var path = Write("cut.npz", bytes[..cut]);
            var ex = Assert.Throws<InvalidDataException>(() =>
            {
                using var npz = NpzFile.Open(path);
                npz.Read("x");
            });
            Assert.Contains("cut.npz", ex.Message);
        }
    }

    [Fact]
    public void Read_EveryCorruptedByte_SucceedsOrGivesInvalidData()
    {
        var bytes = File.ReadAllBytes(WriteNpz("full.npz", CompressionLevel.Optimal, ("x.npy", TestFiles.Npy("<f4", [4], TestFiles.Float32Le(1, 2, 3, 4)))));
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x5A;
            var path = Write("flip.npz", copy);
            TestFiles.SucceedsOrInvalidData(() =>
            {
                using var npz = NpzFile.Open(path);
                foreach (var name in npz.Names)
                {
                    npz.Read(name);
                }
            }, $"byte {i}");
        }
    }

    [SkippableFact]
    public void Read_NumpyShippedObjectArchive_IsRefused()
    {
        const string path = "/usr/lib/python3/dist-packages/numpy/lib/tests/data/py3-objarr.npz";
        Skip.IfNot(File.Exists(path), $"{path} is absent (Debian package python3-numpy not installed)");

        using var npz = NpzFile.Open(path);
        Assert.NotEmpty(npz.Names);
        Assert.Contains(npz.Names, n => Assert.Throws<InvalidDataException>(() => npz.Read(n)).Message.Contains("unpickling", StringComparison.Ordinal));
    }
}
