using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Gauntlet.Core;
using Gauntlet.Scanner;

// Scan throughput on a large benign PyTorch zip checkpoint (target: >= 200 MB/s).
// Usage: dotnet run -c Release --project benchmarks/Gauntlet.Scanner.Benchmarks [size-MiB] [runs]
// Code and secrets throughput on a generated 10,000-file source tree (target: >= 2,000 files/s):
//        dotnet run -c Release --project benchmarks/Gauntlet.Scanner.Benchmarks -- code [files] [runs]
if (args.Length > 0 && args[0] == "code")
{
    CodeTreeBenchmark.Run(args[1..]);
    return;
}

// PII pass on a CSV (issue 21, target: >= 100 MB/s with sampling off):
//        dotnet run -c Release --project benchmarks/Gauntlet.Scanner.Benchmarks -- pii [size-MiB] [runs]
if (args.Length > 0 && args[0] == "pii")
{
    PiiBenchmark.Run(args[1..]);
    return;
}

var sizeMiB = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1024;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var folder = Directory.CreateTempSubdirectory("gauntlet-scan-bench-");
var path = Path.Combine(folder.FullName, "large_checkpoint.pt");
try
{
    BenchmarkCheckpoint.Write(path, sizeMiB);
    var bytes = new FileInfo(path).Length;
    Console.WriteLine($"checkpoint: {bytes / 1e6:F0} MB, {BenchmarkCheckpoint.TensorCount(sizeMiB)} tensors, stored zip as torch.save writes it");
    foreach (var hashing in new[] { true, false })
    {
        var options = new ScanOptions { ComputeHashes = hashing };
        ModelScanner.ScanFile(path, "large_checkpoint.pt", options); // warm the page cache and the JIT
        var best = double.MaxValue;
        ArtifactReport? report = null;
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            report = ModelScanner.ScanFile(path, "large_checkpoint.pt", options);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(hashing ? "with SHA-256   " : "without SHA-256")}: best of {runs} {best * 1000:F0} ms = {bytes / 1e6 / best:F0} MB/s; format {report!.Format}, max severity {report.MaxSeverity?.ToName() ?? "none"}"));
    }

    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
}
finally
{
    folder.Delete(recursive: true);
}

/// <summary>Writes a zip laid out like torch.save's: archive/data.pkl referencing archive/data/N storages.</summary>
internal static class BenchmarkCheckpoint
{
    private const int TensorBytes = 4 << 20;

    public static int TensorCount(int sizeMiB) => Math.Max(1, (sizeMiB << 20) / TensorBytes);

    public static void Write(string path, int sizeMiB)
    {
        var count = TensorCount(sizeMiB);
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        using (var pickle = zip.CreateEntry("archive/data.pkl", CompressionLevel.NoCompression).Open())
        {
            pickle.Write(StateDictPickle(count));
        }

        var data = new byte[TensorBytes];
        var random = new Random(1);
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(data);
            using var entry = zip.CreateEntry($"archive/data/{i}", CompressionLevel.NoCompression).Open();
            entry.Write(data);
        }

        using (var version = zip.CreateEntry("archive/version", CompressionLevel.NoCompression).Open())
        {
            version.Write("3\n"u8);
        }
    }

    private static byte[] StateDictPickle(int count)
    {
        var p = new MemoryStream();
        void Raw(string s) => p.Write(Encoding.Latin1.GetBytes(s));
        void Str(string s)
        {
            p.WriteByte((byte)'X');
            p.Write(BitConverter.GetBytes(Encoding.UTF8.GetByteCount(s)));
            p.Write(Encoding.UTF8.GetBytes(s));
        }

        void Int(int v)
        {
            p.WriteByte((byte)'J');
            p.Write(BitConverter.GetBytes(v));
        }

        p.Write([0x80, 2]);
        Raw("ccollections\nOrderedDict\n)R(");
        var numel = TensorBytes / 4;
        for (var i = 0; i < count; i++)
        {
            Str($"layers.{i}.weight");
            Raw("ctorch._utils\n_rebuild_tensor_v2\n((");
            Str("storage");
            Raw("ctorch\nFloatStorage\n");
            Str(i.ToString(CultureInfo.InvariantCulture));
            Str("cpu");
            Int(numel);
            Raw("tQ");
            Int(0);
            Raw("(");
            Int(numel);
            Raw("t(K\x01t");
            p.WriteByte(0x89);
            Raw("ccollections\nOrderedDict\n)RtR");
        }

        Raw("u.");
        return p.ToArray();
    }
}
