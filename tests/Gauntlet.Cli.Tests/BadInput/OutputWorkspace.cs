using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>
/// A throw-away folder holding every input the output cases need, all tiny: the demo model as
/// model.onnx, an IDX data folder (16 train and 16 test images), the same images as .npy, a tiny
/// audit plan, a folder to scan and a copy of an audit's JSON report.
/// </summary>
internal sealed class OutputWorkspace : IDisposable
{
    public const string TinyPlan = """
        samples: 8
        batch: 8
        threats:
          - name: linf
            norm: linf
            epsilons: [0.1]
            attacks: [fgsm]
        """;

    public OutputWorkspace(string reportJson)
    {
        Root = Directory.CreateTempSubdirectory("gauntlet-output-cases-").FullName;
        Model = Path.Combine(Root, "model.onnx");
        File.WriteAllBytes(Model, DemoModel.OnnxBytes());
        IdxFolder = Path.Combine(Root, "idx");
        Directory.CreateDirectory(IdxFolder);
        var images = new byte[16 * 28 * 28];
        new Random(1).NextBytes(images);
        var labels = Enumerable.Range(0, 16).Select(i => (byte)(i % 10)).ToArray();
        foreach (var prefix in new[] { "train", "t10k" })
        {
            File.WriteAllBytes(Path.Combine(IdxFolder, $"{prefix}-images-idx3-ubyte"), Idx(0x0803, [16, 28, 28], images));
            File.WriteAllBytes(Path.Combine(IdxFolder, $"{prefix}-labels-idx1-ubyte"), Idx(0x0801, [16], labels));
        }

        NpyImages = Path.Combine(Root, "images.npy");
        File.WriteAllBytes(NpyImages, Npy("<f4", "(16, 1, 28, 28)", [.. images.SelectMany(b => BitConverter.GetBytes(b / 255f))]));
        NpyLabels = Path.Combine(Root, "labels.npy");
        File.WriteAllBytes(NpyLabels, Npy("<i8", "(16,)", [.. labels.SelectMany(l => BitConverter.GetBytes((long)l))]));
        Plan = Path.Combine(Root, "plan.yaml");
        File.WriteAllText(Plan, TinyPlan);
        ScanFolder = Path.Combine(Root, "scan");
        Directory.CreateDirectory(ScanFolder);
        ScanFile = Path.Combine(ScanFolder, "benign.npy");
        File.WriteAllBytes(ScanFile, Npy("<f4", "(2,)", new byte[8]));
        ReportFolder = Path.Combine(Root, "report");
        Directory.CreateDirectory(ReportFolder);
        ReportJson = Path.Combine(ReportFolder, "security_audit_report.json");
        File.Copy(reportJson, ReportJson);
    }

    public string Root { get; }

    public string Model { get; }

    public string IdxFolder { get; }

    public string NpyImages { get; }

    public string NpyLabels { get; }

    public string Plan { get; }

    public string ScanFolder { get; }

    public string ScanFile { get; }

    public string ReportFolder { get; }

    public string ReportJson { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>Every entry under the root (hidden ones too) with its type and, for regular files, a hash of its content.</summary>
    public SortedDictionary<string, string> Snapshot()
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Root]);
        while (pending.Count > 0)
        {
            // Hidden entries count too (staging folders); a linked folder is recorded as a link, not entered.
            foreach (var path in Directory.EnumerateFileSystemEntries(pending.Pop(), "*", new EnumerationOptions { AttributesToSkip = 0 }))
            {
                var relative = Path.GetRelativePath(Root, path);
                if (new FileInfo(path).LinkTarget is { } link)
                {
                    entries[relative] = "link -> " + link;
                }
                else if (Directory.Exists(path))
                {
                    entries[relative] = "folder";
                    pending.Push(path);
                }
                else
                {
                    var type = FileType(path);
                    entries[relative] = type == "regular file" ? "file " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : type;
                }
            }
        }

        return entries;
    }

    /// <summary>What <c>stat -c %F</c> says the path is ("character special file", "fifo", "regular file" …), without following a final link.</summary>
    public static string FileType(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return text;
    }

    public static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]))!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + (4 * dims.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (var i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        data.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    private static byte[] Npy(string descr, string shape, byte[] data)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return [.. bytes];
    }
}
