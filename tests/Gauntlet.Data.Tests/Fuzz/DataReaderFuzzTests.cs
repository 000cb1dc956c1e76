using System.IO.Compression;
using System.Text;
using Xunit.Abstractions;

namespace Gauntlet.Data.Tests.Fuzz;

/// <summary>One fuzz run per Gauntlet.Data reader: only <see cref="InvalidDataException"/> (each reader's documented failure) may escape.</summary>
public sealed class DataReaderFuzzTests(ITestOutputHelper output) : TempDirTest
{
    [Fact]
    public void Npy_RandomAndMutatedBytes_OnlyInvalidData()
    {
        var valid = TestFiles.Npy("<f4", [2, 3], TestFiles.Float32Le(1, 2, 3, 4, 5, 6));
        var cases = ReaderFuzz.Run(output, "npy", valid, b => NpyArray.Read(new MemoryStream(b), "fuzz.npy"), typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }

    [Fact]
    public void Idx_RawAndGzip_RandomAndMutatedBytes_OnlyInvalidData()
    {
        var raw = new byte[] { 0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 3 }.Concat(Enumerable.Range(0, 18).Select(i => (byte)i)).ToArray();
        var cases = ReaderFuzz.Run(output, "idx", raw, b => IdxFile.Read(new MemoryStream(b), "fuzz.idx"), typeof(InvalidDataException));
        cases += ReaderFuzz.Run(output, "idx.gz", TestFiles.Gzip(raw), b => IdxFile.Read(new MemoryStream(b), "fuzz.idx.gz"), typeof(InvalidDataException));
        Assert.Equal(2 * ReaderFuzz.Cases, cases);
    }

    [Fact]
    public void Npz_RandomAndMutatedBytes_OnlyInvalidData()
    {
        var valid = TestFiles.Npz(CompressionLevel.Optimal, ("x", TestFiles.Npy("<f4", [2], TestFiles.Float32Le(1, 2))), ("y", TestFiles.Npy("<i8", [2], TestFiles.Int64Le(0, 1))));
        var path = Path.Combine(Dir, "fuzz.npz");
        var cases = ReaderFuzz.Run(output, "npz", valid, b =>
        {
            File.WriteAllBytes(path, b);
            using var npz = NpzFile.Open(path);
            foreach (var name in npz.Names)
            {
                npz.Read(name);
            }
        }, typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }

    [Fact]
    public void Csv_RandomAndMutatedBytes_OnlyInvalidData()
    {
        var valid = Encoding.UTF8.GetBytes("a,b,label\n1,2,cat\n3,\"4\",dog\n5,6,cat\n");
        var path = Path.Combine(Dir, "fuzz.csv");
        var cases = ReaderFuzz.Run(output, "csv", valid, b =>
        {
            File.WriteAllBytes(path, b);
            CsvTable.Load(path);
        }, typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }

    [Fact]
    public void Png_RandomAndMutatedBytes_OnlyInvalidData()
    {
        var valid = PngWriter.Encode(Enumerable.Range(0, 8 * 6 * 3).Select(i => (byte)i).ToArray(), 8, 6, 3);
        var cases = ReaderFuzz.Run(output, "png", valid, b => PngDecoder.Decode(new MemoryStream(b), "fuzz.png"), typeof(InvalidDataException));
        Assert.Equal(ReaderFuzz.Cases, cases);
    }

    [Fact]
    public void LabelFiles_EveryFormat_RandomAndMutatedBytes_OnlyInvalidData()
    {
        var path = Path.Combine(Dir, "labels");
        void Read(byte[] b)
        {
            File.WriteAllBytes(path, b);
            LabelFile.Load(path);
        }

        var idx = new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 4, 0, 1, 2, 1 };
        var cases = ReaderFuzz.Run(output, "labels (npy)", TestFiles.Npy("<i8", [4], TestFiles.Int64Le(0, 1, 2, 1)), Read, typeof(InvalidDataException));
        cases += ReaderFuzz.Run(output, "labels (idx)", idx, Read, typeof(InvalidDataException));
        cases += ReaderFuzz.Run(output, "labels (idx.gz)", TestFiles.Gzip(idx), Read, typeof(InvalidDataException));
        cases += ReaderFuzz.Run(output, "labels (text)", Encoding.UTF8.GetBytes("label\ncat\ndog\n3\n"), Read, typeof(InvalidDataException));
        Assert.Equal(4 * ReaderFuzz.Cases, cases);
    }


}
