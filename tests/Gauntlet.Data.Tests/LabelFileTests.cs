using System.Buffers.Binary;

namespace Gauntlet.Data.Tests;

public sealed class LabelFileTests : TempDirTest
{
    [Fact]
    public void Load_Npy_Int64AndUInt8AndColumnVector()
    {
        Assert.Equal([2, 0, 1], LabelFile.Load(Write("a.npy", TestFiles.Npy("<i8", [3], TestFiles.Int64Le(2, 0, 1)))).Labels);
        Assert.Equal([4, 5], LabelFile.Load(Write("b.npy", TestFiles.Npy("|u1", [2, 1], [4, 5]))).Labels);
        var f = LabelFile.Load(Write("c.npy", TestFiles.Npy("<f4", [2], TestFiles.Float32Le(1, 3))));
        Assert.Equal([1, 3], f.Labels);
        Assert.Equal(4, f.ClassCount);
        Assert.Null(f.ClassNames);
    }

    [Fact]
    public void Load_Idx_RawAndGzipByContentNotExtension()
    {
        byte[] idx = [0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 4];
        Assert.Equal([9, 0, 4], LabelFile.Load(Write("labels.bin", idx)).Labels);
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(idx);
        }

        Assert.Equal([9, 0, 4], LabelFile.Load(Write("labels.dat", ms.ToArray())).Labels);
    }

    [Fact]
    public void Load_CsvColumn_NamesAndIntegers()
    {
        var named = LabelFile.Load(WriteText("l.csv", "id,label\n1,dog\n2,cat\n3,dog\n"), "label");
        Assert.Equal([1, 0, 1], named.Labels);
        Assert.Equal(["cat", "dog"], named.ClassNames);
        var single = LabelFile.Load(WriteText("s.csv", "label\ncat\n"), "label");
        Assert.Equal([0], single.Labels);
        Assert.Equal(["cat"], single.ClassNames);
        var plain = LabelFile.Load(WriteText("p.txt", "3\n1\n"));
        Assert.Equal([3, 1], plain.Labels);
        Assert.Null(plain.ClassNames);
    }

    [Fact]
    public void Load_BadLabels_AreRejectedWithIndex()
    {
        Assert.Contains("index 1", Assert.Throws<InvalidDataException>(() => LabelFile.Load(Write("n.npy", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(0, -3))))).Message);
        Assert.Contains("not an integer", Assert.Throws<InvalidDataException>(() => LabelFile.Load(Write("f.npy", TestFiles.Npy("<f4", [1], TestFiles.Float32Le(0.5f))))).Message);
        Assert.Contains("expected (N,)", Assert.Throws<InvalidDataException>(() => LabelFile.Load(Write("s.npy", TestFiles.Npy("|u1", [2, 2], [0, 1, 2, 3])))).Message);
        var twoD = new byte[] { 0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7 };
        Assert.Contains("expected [N]", Assert.Throws<InvalidDataException>(() => LabelFile.Load(Write("t.idx", twoD))).Message);
        Assert.Throws<FileNotFoundException>(() => LabelFile.Load(Path.Combine(Dir, "missing.npy")));
    }

    [SkippableFact]
    public void Load_DebianFashionMnistLabels_MatchLoader()
    {
        var path = Path.Combine(FashionMnist.SystemPath, "t10k-labels-idx1-ubyte.gz");
        Skip.IfNot(File.Exists(path), $"{path} is absent (Debian package dataset-fashion-mnist not installed; scripts/setup.sh installs it)");

        var labels = LabelFile.Load(path);
        Assert.Equal(10000, labels.Labels.Length);
        Assert.Equal(10, labels.ClassCount);
        Assert.Equal(FashionMnist.LoadEmbeddedDemo().Labels, labels.Labels[..1000]);
    }

    [Fact]
    public void Load_EveryTruncatedNpyOrIdx_GivesInvalidData()
    {
        var npy = TestFiles.Npy("<i8", [2], TestFiles.Int64Le(1, 2));
        var idx = new byte[12];
        idx[2] = 0x0C;
        idx[3] = 1;
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), 1);
        foreach (var (name, bytes) in new[] { ("l.npy", npy), ("l.idx", idx) })
        {
            for (var cut = 1; cut < bytes.Length; cut++)
            {
                var path = Write(name, bytes[..cut]);
                TestFiles.SucceedsOrInvalidData(() => LabelFile.Load(path), $"{name} cut {cut}");
            }
        }
    }
}
