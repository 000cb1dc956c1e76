using System.IO.Compression;
using System.Text;

namespace Gauntlet.Data.Tests;

/// <summary>The input policy as the data readers apply it: regular files only, sizes and label values bounded before allocation.</summary>
public sealed class InputPolicyTests : TempDirTest
{
    [Fact]
    public void LabelFile_HugeLabel_IsRefusedWithItsSampleIndex_BeforeAnythingIsSizedByIt()
    {
        var path = Write("y.npy", TestFiles.Npy("<i8", [3], TestFiles.Int64Le(0, 1_000_000_000, 2)));

        var ex = Assert.Throws<InvalidDataException>(() => LabelFile.Load(path));

        Assert.Equal($"{path}: sample 1 has label 1000000000, more than the 100000 classes Gauntlet accepts (0..99999; set GAUNTLET_MAX_CLASSES to raise it).", ex.Message);
    }

    [Fact]
    public void LabelFile_HugeTextLabel_IsRefusedWithItsLine()
    {
        var path = WriteText("y.csv", "0\n1000000000\n");

        var ex = Assert.Throws<InvalidDataException>(() => LabelFile.Load(path));

        Assert.StartsWith($"{path}: line 2, column 1 has label 1000000000, more than the 100000 classes", ex.Message);
    }

    [Fact]
    public void LabelFile_StringLabels_SayHowTheyWereNumbered()
    {
        var path = WriteText("y.csv", "cat\ndog\nbird\ncat\n");

        var file = LabelFile.Load(path);

        Assert.Equal([1, 2, 0, 1], file.Labels);
        Assert.Equal($"{path}: string labels numbered alphabetically: bird=0, cat=1, dog=2 (3 classes)", file.NumberingNote);
    }

    [Fact]
    public void LabelFile_NumericLabels_HaveNoNote()
    {
        Assert.Null(LabelFile.Load(WriteText("y.csv", "0\n2\n")).NumberingNote);
    }

    [Fact]
    public void LabelFile_AFolder_IsRefusedAsAFolder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Dir, "labels.npy")).FullName;

        var ex = Assert.Throws<InvalidDataException>(() => LabelFile.Load(folder));

        Assert.Equal($"{folder}: is a folder, not a file (expected label file).", ex.Message);
    }

    [Fact]
    public void Idx_GzipDeclaringMoreThanItCouldInflateTo_IsRefusedBeforeAllocating()
    {
        // 1e9 × 1e9 bytes declared (u8 rank 2): the 30-odd compressed bytes can inflate to a few MB at most.
        var raw = new byte[] { 0, 0, 0x08, 2, 0x3B, 0x9A, 0xCA, 0x00, 0x00, 0x00, 0x00, 0x02 };
        var path = Write("t10k-images-idx3-ubyte.gz", TestFiles.Gzip(raw));

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("more than this gzip file can hold", ex.Message);
    }

    [Fact]
    public void Idx_RawDeclaringMoreThanTheFileHolds_IsRefusedAsTruncated()
    {
        var path = Write("x.idx", [0, 0, 0x08, 1, 0, 0x0F, 0x42, 0x40, 1, 2, 3]);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Equal($"{path}: file is truncated: the header declares 1000000 values (1000008 bytes) but the file has 11 bytes.", ex.Message);
    }

    [Fact]
    public void DataSource_ArrayWithNoImages_IsAnError()
    {
        var x = Write("x.npy", TestFiles.Npy("|u1", [0, 2, 2], []));
        var y = Write("y.npy", TestFiles.Npy("<i8", [0], []));

        var ex = Assert.Throws<InvalidDataException>(() => DataSource.Load(x, y));

        Assert.Equal($"{x}: the data set holds no images; expected at least one.", ex.Message);
    }

    [Fact]
    public void DataSource_NpzLabelMember_HugeLabel_IsRefused()
    {
        var path = Write("d.npz", TestFiles.Npz(CompressionLevel.NoCompression, ("x", TestFiles.Npy("|u1", [2, 2, 2], new byte[8])), ("y", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(0, 1_000_000_000)))));

        var ex = Assert.Throws<InvalidDataException>(() => DataSource.Load(path));

        Assert.StartsWith($"{path}:y: sample 1 has label 1000000000", ex.Message);
    }

    [Fact]
    public void DataSource_LabelsFromASeparateFile_AreNamedInCountErrors()
    {
        var x = Write("x.npy", TestFiles.Npy("|u1", [2, 2, 2], new byte[8]));
        var y = Write("y.npy", TestFiles.Npy("<i8", [3], TestFiles.Int64Le(0, 1, 1)));

        var ex = Assert.Throws<InvalidDataException>(() => DataSource.Load(x, y));

        Assert.Equal($"{x}: 2 images but 3 labels in {y}; expected one label per image.", ex.Message);
    }

    [Fact]
    public void LabeledImages_NumberedClassNames_CostNothingForALargeClassCount()
    {
        var images = Gauntlet.Tensors.Tensor.Zeros(1, 1, 1, 1);

        var set = new LabeledImages(images, [0], 50_000_000, "s");

        Assert.Equal(50_000_000, set.ClassNames.Count);
        Assert.Equal("49999999", set.ClassNames[49_999_999]);
    }

    [Fact]
    public void Npz_MemberDeclaringMoreThanItsCompressedBytesCanHold_IsRefused()
    {
        // A stored (uncompressed) member whose local and central headers are patched to claim 1 GB.
        var bytes = TestFiles.Npz(CompressionLevel.NoCompression, ("x", TestFiles.Npy("<f4", [1], TestFiles.Float32Le(1))));
        PatchUncompressedSize(bytes, 1_000_000_000);
        var path = Write("bomb.npz", bytes);

        using var npz = NpzFile.Open(path);
        var ex = Assert.Throws<InvalidDataException>(() => npz.Read("x"));

        Assert.Contains("possible zip bomb", ex.Message);
    }

    private static void PatchUncompressedSize(byte[] zip, uint size)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var sig = BitConverter.ToUInt32(zip, i);
            if (sig == 0x04034b50)
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 22), size);
            }
            else if (sig == 0x02014b50)
            {
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24), size);
            }
        }
    }


}
