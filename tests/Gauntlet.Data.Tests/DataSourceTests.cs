using System.IO.Compression;

namespace Gauntlet.Data.Tests;

public sealed class DataSourceTests : TempDirTest
{
    [Fact]
    public void Load_Demo_IsEmbeddedSubset()
    {
        var data = DataSource.Load("demo");
        Assert.Equal(1000, data.Images!.Count);
        Assert.Null(data.Table);
        Assert.Throws<ArgumentException>(() => DataSource.Load("demo", "labels.npy"));
    }

    [Fact]
    public void Load_FashionMnist_TestSplitByDefaultTrainOnRequest()
    {
        Assert.True(FashionMnist.IsInstalled, "Debian's dataset-fashion-mnist is required: apt-get install dataset-fashion-mnist");
        Assert.Equal(10000, DataSource.Load("fashion-mnist").Images!.Count);
        var train = DataSource.Load("Fashion-MNIST", train: true).Images!;
        Assert.Equal(60000, train.Count);
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
    }

    [Fact]
    public void Load_IdxFolder_UsesMnistFileNames()
    {
        Write("idx/t10k-images-idx3-ubyte", [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 51, 102]);
        Write("idx/t10k-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 2, 3, 1]);
        var set = DataSource.Load(Path.Combine(Dir, "idx")).Images!;
        Assert.Equal(new Tensors.Shape(2, 1, 1, 2), set.Images.Shape);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], set.Images.ToArray());
        Assert.Equal([3, 1], set.Labels);
        Assert.Equal(4, set.ClassCount);
    }

    [Theory]
    [InlineData("images-idx3-ubyte", false)]
    [InlineData("x.idx", false)]
    [InlineData("images.gz", true)]
    public void Load_IdxImageFile_WithLabelsFromAnyLabelFile_RawOrGzip(string name, bool gzip)
    {
        byte[] images = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 51, 102];
        if (gzip)
        {
            images = TestFiles.Gzip(images);
        }

        var x = Write(name, images);
        var idxLabels = Write("labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 2, 3, 1]);
        var npyLabels = Write("y.npy", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(3, 1)));

        foreach (var labels in new[] { idxLabels, npyLabels })
        {
            var set = DataSource.Load(x, labels).Images!;
            Assert.Equal(new Tensors.Shape(2, 1, 1, 2), set.Images.Shape);
            Assert.Equal([0f, 1f, 0.2f, 0.4f], set.Images.ToArray());
            Assert.Equal([3, 1], set.Labels);
        }

        Assert.Contains("needs a labels file", Assert.Throws<FileNotFoundException>(() => DataSource.Load(x)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownExtensionThatIsNotIdx_NamesTheAcceptedFormats()
    {
        var x = Write("x.bin", [1, 2, 3, 4, 5]);
        Assert.Contains("an IDX image file (raw or .gz)", Assert.Throws<InvalidDataException>(() => DataSource.Load(x, x)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ImageFolder()
    {
        Write("imgs/a/1.png", PngWriter.Encode(new byte[] { 0, 255 }, 2, 1, 1));
        Write("imgs/b/1.png", PngWriter.Encode(new byte[] { 255, 0 }, 2, 1, 1));
        var set = DataSource.Load(Path.Combine(Dir, "imgs")).Images!;
        Assert.Equal(["a", "b"], set.ClassNames);
        Assert.Equal([0, 1], set.Labels);
    }

    [Fact]
    public void Load_NpyUInt8ImagesWithLabels_AddsChannelAxisAndScales()
    {
        var x = Write("x.npy", TestFiles.Npy("|u1", [2, 1, 2], [0, 255, 51, 0]));
        var y = Write("y.npy", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(1, 0)));
        var set = DataSource.Load(x, y).Images!;
        Assert.Equal(new Tensors.Shape(2, 1, 1, 2), set.Images.Shape);
        Assert.Equal([0f, 1f, 0.2f, 0f], set.Images.ToArray());
        Assert.Equal([1, 0], set.Labels);
        Assert.Contains("labels file", Assert.Throws<FileNotFoundException>(() => DataSource.Load(x)).Message);
    }

    [Fact]
    public void Load_NpyFloatNchw_KeptAsIs()
    {
        var x = Write("f.npy", TestFiles.Npy("<f4", [1, 2, 1, 1], TestFiles.Float32Le(-0.5f, 2f)));
        var y = Write("y.npy", TestFiles.Npy("<i8", [1], TestFiles.Int64Le(0)));
        var set = DataSource.Load(x, y).Images!;
        Assert.Equal(new Tensors.Shape(1, 2, 1, 1), set.Images.Shape);
        Assert.Equal([-0.5f, 2f], set.Images.ToArray());
        Assert.Equal(["0"], set.ClassNames);
    }

    [Fact]
    public void Load_Npz_ImagesAndLabelsMembers()
    {
        var path = Path.Combine(Dir, "d.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in new[] { ("x_test.npy", TestFiles.Npy("|u1", [1, 2, 2], [0, 255, 255, 0])), ("y_test.npy", TestFiles.Npy("<i8", [1], TestFiles.Int64Le(2))) })
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(bytes);
            }
        }

        var set = DataSource.Load(path).Images!;
        Assert.Equal(new Tensors.Shape(1, 1, 2, 2), set.Images.Shape);
        Assert.Equal([2], set.Labels);
    }

    [Fact]
    public void Load_Csv_GivesTable()
    {
        var data = DataSource.Load(WriteText("t.csv", "x,label\n1,a\n2,b\n"));
        Assert.Null(data.Images);
        Assert.Equal(2, data.Table!.Count);
    }

    [Fact]
    public void Load_UnknownOrWrongShape_GivesClearErrors()
    {
        Assert.Contains("neither a known name", Assert.Throws<FileNotFoundException>(() => DataSource.Load("no-such-dataset")).Message);
        Assert.Contains("unrecognised", Assert.Throws<InvalidDataException>(() => DataSource.Load(WriteText("a.bin", "x"))).Message);
        var x = Write("r.npy", TestFiles.Npy("<f4", [2], TestFiles.Float32Le(1, 2)));
        var y = Write("ry.npy", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(0, 1)));
        Assert.Contains("expected (N, H, W) or (N, C, H, W)", Assert.Throws<InvalidDataException>(() => DataSource.Load(x, y)).Message);
    }
}
