using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using Gauntlet.Data;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>The hostile variants every input kind is tried with.</summary>
public enum Hostile
{
    Missing,
    Folder,
    Fifo,
    DevZero,
    DevNull,
    Truncated,
    OversizedHeader,
    HugeLabel,
    DeepNesting,
    JsonArray,
    WrongSchema,
    NewerSchema,
    NoInputs,
}

/// <summary>
/// Every reading command × every input it reads × every hostile variant of that input: each must end
/// with exit code 2, exactly one line on standard error naming the file, no file left in the working
/// folder, within <see cref="TimeBound"/>. The in-process runs share the test host's memory; the cases
/// that would exhaust memory if a reader trusted the input also run in a heap-limited child process
/// (<see cref="HeapLimitedInputCases"/>).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class InputCases : IDisposable
{
    /// <summary>How long one refusal may take (the tests share two cores with other work).</summary>
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(20);

    private static readonly string[] DataCommands = ["eval", "attack", "audit", "train"];
    private static readonly string[] ModelCommands = ["eval", "attack", "audit", "inspect"];
    private static readonly string[] DataFormats = ["idx", "idx.gz", "npy", "npz", "csv", "image-folder"];
    private static readonly string[] LabelFormats = ["npy", "idx", "idx.gz", "text", "npz-member"];
    private static readonly Hostile[] FileCases = [Hostile.Missing, Hostile.Folder, Hostile.Fifo, Hostile.DevZero, Hostile.DevNull, Hostile.Truncated, Hostile.OversizedHeader];

    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-badinput-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string, Hostile> Cases()
    {
        var data = new TheoryData<string, string, string, Hostile>();
        foreach (var command in DataCommands)
        {
            foreach (var format in DataFormats)
            {
                foreach (var h in FileCases)
                {
                    data.Add(command, "data", format, h);
                }
            }

            foreach (var format in LabelFormats)
            {
                foreach (var h in FileCases.Append(Hostile.HugeLabel))
                {
                    // An npz's label member rides inside the archive: the archive's own file cases are --data's.
                    if (format != "npz-member" || h is Hostile.Truncated or Hostile.OversizedHeader or Hostile.HugeLabel)
                    {
                        data.Add(command, "labels", format, h);
                    }
                }
            }
        }

        foreach (var command in ModelCommands)
        {
            foreach (var h in new[] { Hostile.Missing, Hostile.Folder, Hostile.Fifo, Hostile.DevZero, Hostile.DevNull, Hostile.Truncated, Hostile.NoInputs })
            {
                // inspect describes a graph without inputs (it is a valid file); the commands that run it refuse it.
                if (!(command == "inspect" && h == Hostile.NoInputs))
                {
                    data.Add(command, "model", "onnx", h);
                }
            }
        }

        foreach (var h in new[] { Hostile.Missing, Hostile.Folder, Hostile.Fifo, Hostile.DevZero, Hostile.DevNull, Hostile.Truncated, Hostile.DeepNesting, Hostile.JsonArray })
        {
            data.Add("audit", "plan", "yaml", h);
        }

        foreach (var h in new[] { Hostile.Missing, Hostile.Folder, Hostile.Fifo, Hostile.DevZero, Hostile.DevNull, Hostile.Truncated, Hostile.DeepNesting, Hostile.JsonArray, Hostile.WrongSchema, Hostile.NewerSchema })
        {
            data.Add("report", "report", "json", h);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileInput_IsRefusedWithOneLine_ExitTwo_NoFileLeft_InBoundedTime(string command, string input, string format, Hostile hostile)
    {
        var (args, named) = Scenario.Build(_dir, command, input, format, hostile);
        var before = Snapshot();

        var run = Task.Run(() => CliRunner.Run(args));
        var finished = await Task.WhenAny(run, Task.Delay(TimeBound));
        Assert.True(finished == run, $"gauntlet {string.Join(' ', args)} did not finish within {TimeBound.TotalSeconds} s");
        var (code, _, _, error) = await run;

        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == CliApp.ExitUserError, $"exit {code} for gauntlet {string.Join(' ', args)}; stderr: {error}");
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}: {error}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.True(lines[0].Contains(named, StringComparison.Ordinal), $"the message does not name {named}: {lines[0]}");
        Assert.Equal(before, Snapshot());
    }

    private string[] Snapshot() => [.. Directory.EnumerateFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}

/// <summary>
/// Builds the command line for one case in a working folder: valid inputs everywhere, except the one
/// under test, which is made hostile. Returns the arguments and the text the error must contain.
/// </summary>
internal static class Scenario
{
    public static (string[] Args, string Named) Build(string dir, string command, string input, string format, Hostile hostile)
    {
        var x = Write(dir, "x.npy", HostileFiles.ImagesNpy());
        var y = Write(dir, "y.npy", HostileFiles.LabelsNpy(0, 1, 2, 3));
        string model = "demo", data = x, plan = Write(dir, "valid-plan.yaml", "samples: 2\n"), report = string.Empty;
        string? labels = y;
        string named;
        switch (input)
        {
            case "data":
                (data, labels, named) = Data(dir, format, hostile, y);
                break;
            case "labels":
                (data, labels, named) = Labels(dir, format, hostile, x);
                break;
            case "model":
                (model, named) = Model(dir, hostile);
                break;
            case "plan":
                (plan, named) = Document(dir, "plan.yaml", hostile);
                break;
            default:
                (report, named) = Document(dir, "report.json", hostile);
                break;
        }

        var labelArgs = labels is null ? Array.Empty<string>() : ["--labels", labels];
        string[] args = command switch
        {
            "eval" => ["eval", model, "--data", data, .. labelArgs, "--limit", "2"],
            "attack" => ["attack", model, "--attack", "fgsm", "--data", data, .. labelArgs, "--limit", "2"],
            "audit" => ["audit", model, "--data", data, .. labelArgs, "--plan", plan, "--out", Path.Combine(dir, "out")],
            "train" => ["train", "--arch", "mlp", "--data", data, .. labelArgs, "--epochs", "1", "--out", Path.Combine(dir, "m.gntp")],
            "inspect" => ["inspect", model],
            _ => ["report", report, "--format", "md", "--out", Path.Combine(dir, "r.md")],
        };
        return (args, named);
    }

    /// <summary>--data in <paramref name="format"/>, with the format's main file hostile; labels from <paramref name="y"/> where the format needs them.</summary>
    private static (string Data, string? Labels, string Named) Data(string dir, string format, Hostile h, string y)
    {
        switch (format)
        {
            case "idx" or "idx.gz":
            {
                var folder = Directory.CreateDirectory(Path.Combine(dir, "idx")).FullName;
                var gz = format == "idx.gz";
                var suffix = gz ? ".gz" : string.Empty;
                byte[] Wrap(byte[] raw) => gz ? HostileFiles.Gzip(raw) : raw;
                var images = Wrap(HostileFiles.Idx([4, 28, 28], new long[4 * 28 * 28]));
                foreach (var split in new[] { "t10k", "train" })
                {
                    Write(folder, $"{split}-labels-idx1-ubyte{suffix}", Wrap(HostileFiles.Idx([4], [0, 1, 2, 3])));
                    MakeHostile(folder, $"{split}-images-idx3-ubyte{suffix}", h, images, Wrap(HostileFiles.Idx([60000, 28, 28], [])));
                }

                // Without an images file (or with a folder in its place) the folder is neither IDX nor an image folder: the folder is named.
                return (folder, null, h is Hostile.Missing or Hostile.Folder ? "idx" : "-images-idx3-ubyte" + suffix);
            }

            case "image-folder":
            {
                var folder = Path.Combine(dir, "images");
                if (h is Hostile.Missing or Hostile.Folder)
                {
                    // Missing: no folder at all; Folder: a folder without class subfolders (a subfolder named like an image is not an image, and is skipped).
                    if (h == Hostile.Folder)
                    {
                        Directory.CreateDirectory(folder);
                    }

                    return (folder, null, "images");
                }

                var cls = Directory.CreateDirectory(Path.Combine(folder, "a")).FullName;
                Write(cls, "0.png", HostileFiles.Png());
                MakeHostile(cls, "1.png", h, HostileFiles.Png(), HostileFiles.PngDeclaring(60000, 60000));
                return (folder, null, "1.png");
            }

            case "npz":
            {
                var valid = HostileFiles.Npz(("x", HostileFiles.ImagesNpy()), ("y", HostileFiles.LabelsNpy(0, 1, 2, 3)));
                var oversized = HostileFiles.Npz(("x", HostileFiles.Npy("|u1", [100_000, 28, 28], [])), ("y", HostileFiles.LabelsNpy(0, 1, 2, 3)));
                return (MakeHostile(dir, "d.npz", h, valid, oversized), null, "d.npz");
            }

            case "csv":
                return (MakeHostile(dir, "d.csv", h, Encoding.UTF8.GetBytes("a,b,label\n1,2,0\n3,4,1\n"), Encoding.UTF8.GetBytes("a,\"b\n")), null, "d.csv");
            default:
                return (MakeHostile(dir, "d.npy", h, HostileFiles.ImagesNpy(), HostileFiles.Npy("|u1", [100_000, 28, 28], [])), y, "d.npy");
        }
    }

    /// <summary>--labels in <paramref name="format"/> for the images <paramref name="x"/>, hostile.</summary>
    private static (string Data, string? Labels, string Named) Labels(string dir, string format, Hostile h, string x)
    {
        long[] values = h == Hostile.HugeLabel ? [0, 1, 1_000_000_000, 3] : [0, 1, 2, 3];
        switch (format)
        {
            case "idx" or "idx.gz":
            {
                var gz = format == "idx.gz";
                byte[] Wrap(byte[] raw) => gz ? HostileFiles.Gzip(raw) : raw;
                var name = "labels.idx" + (gz ? ".gz" : string.Empty);
                return (x, MakeHostile(dir, name, h, Wrap(HostileFiles.Idx([4], values)), Wrap(HostileFiles.Idx([1_000_000_000], []))), name);
            }

            case "text":
                var text = string.Join('\n', values) + "\n";
                return (x, MakeHostile(dir, "labels.csv", h, Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes("\"0\n1\n2\n3\n")), "labels.csv");
            case "npz-member":
            {
                var labelBytes = h == Hostile.OversizedHeader ? HostileFiles.Npy("<i8", [1_000_000_000], []) : HostileFiles.LabelsNpy(values);
                var archive = HostileFiles.Npz(("x", HostileFiles.ImagesNpy()), ("y", labelBytes));
                var path = Write(dir, "d.npz", h == Hostile.Truncated ? archive[..(archive.Length - 30)] : archive);
                return (path, null, "d.npz");
            }

            default:
                return (x, MakeHostile(dir, "labels.npy", h, HostileFiles.LabelsNpy(values), HostileFiles.Npy("<i8", [1_000_000_000], [])), "labels.npy");
        }
    }

    private static (string Model, string Named) Model(string dir, Hostile h)
    {
        if (h == Hostile.NoInputs)
        {
            return (Write(dir, "m.onnx", HostileFiles.OnnxWithoutInputs()), "m.onnx");
        }

        return (MakeHostile(dir, "m.onnx", h, DemoModel.OnnxBytes(), []), "m.onnx");
    }

    private static (string Path, string Named) Document(string dir, string name, Hostile h)
    {
        var content = h switch
        {
            Hostile.DeepNesting => name.EndsWith(".yaml", StringComparison.Ordinal) ? "a:\n" + string.Concat(Enumerable.Repeat("- ", 30_000)) + "x\n" : new string('[', 30_000) + new string(']', 30_000),
            Hostile.JsonArray => "[1, 2, 3]",
            Hostile.WrongSchema => """{"schema_version": 1, "attack": "pgd", "model": "m.onnx"}""",
            Hostile.NewerSchema => """{"schema_version": "2.0"}""",
            _ => name.EndsWith(".yaml", StringComparison.Ordinal) ? "samples: 2\nthreats:\n  - name: a\n    norm: linf\n" : """{"schema_version": "1.0", "tool": {"name": "gauntlet"}}""",
        };
        var truncated = name.EndsWith(".yaml", StringComparison.Ordinal) ? "samples: [2\n" : """{"schema_version": "1.""";
        var simple = h is Hostile.DeepNesting or Hostile.JsonArray or Hostile.WrongSchema or Hostile.NewerSchema ? Write(dir, name, content) : MakeHostile(dir, name, h, Encoding.UTF8.GetBytes(content), []);
        return (simple, name);
    }

    /// <summary>Writes <paramref name="name"/> in <paramref name="folder"/> as the hostile variant <paramref name="h"/> of <paramref name="valid"/>.</summary>
    private static string MakeHostile(string folder, string name, Hostile h, byte[] valid, byte[] oversized)
    {
        var path = Path.Combine(folder, name);
        switch (h)
        {
            case Hostile.Missing:
                break;
            case Hostile.Folder:
                Directory.CreateDirectory(path);
                break;
            case Hostile.Fifo:
                HostileFiles.MakeFifo(path);
                break;
            case Hostile.DevZero:
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case Hostile.DevNull:
                File.CreateSymbolicLink(path, "/dev/null");
                break;
            case Hostile.Truncated:
                File.WriteAllBytes(path, valid[..(valid.Length * 2 / 3)]);
                break;
            case Hostile.OversizedHeader:
                File.WriteAllBytes(path, oversized);
                break;
            default:
                File.WriteAllBytes(path, valid);
                break;
        }

        return path;
    }

    private static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Write(string folder, string name, string text) => Write(folder, name, Encoding.UTF8.GetBytes(text));
}

/// <summary>
/// The cases that exhaust memory when a reader trusts its input (a huge label, a device that never
/// ends), run as the real CLI in a child process whose GC heap is capped at 256 MB
/// (DOTNET_GCHeapHardLimit): each must exit 2 with one line, within the cap and the time bound.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HeapLimitedInputCases : IDisposable
{
    private const string HeapLimit = "0x10000000";

    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-heap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string, Hostile> Cases() => new()
    {
        { "eval", "labels", "npy", Hostile.HugeLabel },
        { "eval", "labels", "text", Hostile.HugeLabel },
        { "eval", "labels", "npz-member", Hostile.HugeLabel },
        { "attack", "labels", "idx", Hostile.HugeLabel },
        { "audit", "labels", "npy", Hostile.HugeLabel },
        { "train", "labels", "idx.gz", Hostile.HugeLabel },
        { "eval", "labels", "npy", Hostile.DevZero },
        { "eval", "labels", "npy", Hostile.OversizedHeader },
        { "eval", "data", "npy", Hostile.DevZero },
        { "eval", "data", "idx.gz", Hostile.OversizedHeader },
        { "inspect", "model", "onnx", Hostile.DevZero },
        { "report", "report", "json", Hostile.DevZero },
        { "audit", "plan", "yaml", Hostile.DeepNesting },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MemoryBoundCase_ExitsTwo_UnderAHeapLimit(string command, string input, string format, Hostile hostile)
    {
        var (args, named) = Scenario.Build(_dir, command, input, format, hostile);
        var cli = Path.Combine(AppContext.BaseDirectory, "gauntlet.dll");
        Assert.True(File.Exists(cli), $"the CLI is not beside the tests: {cli}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _dir, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_GCHeapHardLimit"] = HeapLimit;
        start.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InputCases.TimeBound + TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"gauntlet {string.Join(' ', args)} did not finish within the time bound");
        }

        var error = await stderr;
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == CliApp.ExitUserError, $"exit {process.ExitCode}; stderr: {error}; stdout: {await stdout}");
        Assert.Single(lines);
        Assert.Contains(named, lines[0]);
    }
}
