using System.Diagnostics;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>Runs one audit so the report cases have a real security_audit_report.json to rebuild from.</summary>
public sealed class AuditReportFixture : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("gauntlet-output-report-");

    public AuditReportFixture()
    {
        var plan = Path.Combine(_folder.FullName, "plan.yaml");
        File.WriteAllText(plan, OutputWorkspace.TinyPlan);
        var (code, console, _, err) = CliRunner.Run("audit", "--plan", plan, "--out", Path.Combine(_folder.FullName, "audit"));
        Assert.True(code == 0, err + console);
        ReportJson = Path.Combine(_folder.FullName, "audit", "security_audit_report.json");
    }

    public string ReportJson { get; }

    public void Dispose() => _folder.Delete(recursive: true);
}

/// <summary>
/// Every output option of every command against every kind of bad (and tricky) output path: each
/// run must end with the expected exit code, a one-line error, no file created or changed beyond
/// what the case allows, devices and FIFOs left as they were, and within a bounded time.
/// </summary>
public sealed class OutputCases : IClassFixture<AuditReportFixture>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly OutputWorkspace _work;

    public OutputCases(AuditReportFixture report) => _work = new OutputWorkspace(report.ReportJson);

    /// <summary>How an option's path is read.</summary>
    public enum Shape
    {
        /// <summary>One file; '-', devices and FIFOs accepted.</summary>
        File,

        /// <summary>train --out: the model plus files beside it; '-' and devices refused.</summary>
        ModelFile,

        /// <summary>A folder of several files.</summary>
        Folder,
    }

    /// <summary>The bad (or tricky) paths every option is tried with.</summary>
    public enum Case
    {
        MissingFolder,
        DirectoryAsFile,
        FileAsFolder,
        ReadOnlyLocation,
        DevFull,
        DevNull,
        Fifo,
        Symlink,
        StandardOutput,
        EqualToInput,
        InsideInput,
    }

    /// <summary>One output option: how to run its command with a path, and what it writes.</summary>
    /// <param name="Name">Command and option, e.g. "eval --json".</param>
    /// <param name="Shape">How the path is read.</param>
    /// <param name="FileName">A file name the option writes (a folder's first file, or a name to give a file output).</param>
    /// <param name="Marker">Text the content holds (checked on standard output and in written files).</param>
    /// <param name="Args">The command line with the output at the given path.</param>
    /// <param name="EqualToInput">A command line whose output is one of its inputs, and that input; null when the command has no input that fits.</param>
    /// <param name="InsideInput">A command line whose output lies inside an input folder, and that folder; null when none fits.</param>
    internal sealed record Option(
        string Name, Shape Shape, string FileName, string Marker,
        Func<OutputWorkspace, string, string[]> Args,
        Func<OutputWorkspace, (string[] Args, string Input)>? EqualToInput,
        Func<OutputWorkspace, (string[] Args, string Input)>? InsideInput)
    {
        public override string ToString() => Name;
    }

    internal static readonly Option[] Options =
    [
        new("eval --json", Shape.File, "out.json", "\"accuracy\"",
            (w, o) => ["eval", w.Model, "--data", "demo", "--limit", "8", "--json", o],
            w => (["eval", w.Model, "--data", "demo", "--limit", "8", "--json", w.Model], w.Model),
            w => (["eval", w.Model, "--data", w.IdxFolder, "--limit", "8", "--json", Path.Combine(w.IdxFolder, "out.json")], w.IdxFolder)),
        new("attack --json", Shape.File, "out.json", "\"robust_accuracy\"",
            (w, o) => ["attack", w.Model, "--data", "demo", "--limit", "8", "--attack", "fgsm", "--json", o],
            w => (["attack", w.Model, "--data", "demo", "--limit", "8", "--attack", "fgsm", "--json", w.Model], w.Model),
            w => (["attack", w.Model, "--data", w.IdxFolder, "--limit", "8", "--attack", "fgsm", "--json", Path.Combine(w.IdxFolder, "out.json")], w.IdxFolder)),
        new("attack --save-examples", Shape.Folder, "index.json", "\"examples\"",
            (w, o) => ["attack", w.Model, "--data", "demo", "--limit", "8", "--attack", "fgsm", "--examples", "2", "--save-examples", o],
            w => (["attack", w.Model, "--data", w.IdxFolder, "--limit", "8", "--attack", "fgsm", "--examples", "2", "--save-examples", w.IdxFolder], w.IdxFolder),
            w => (["attack", w.Model, "--data", w.IdxFolder, "--limit", "8", "--attack", "fgsm", "--examples", "2", "--save-examples", Path.Combine(w.IdxFolder, "examples")], w.IdxFolder)),
        new("audit --out", Shape.Folder, "report.html", "<!DOCTYPE html>",
            (w, o) => ["audit", w.Model, "--data", "demo", "--plan", w.Plan, "--out", o],
            EqualAuditPlan,
            w => (["audit", w.Model, "--data", "demo", "--plan", w.Plan, "--artifacts", w.ScanFolder, "--out", Path.Combine(w.ScanFolder, "audit")], w.ScanFolder)),
        new("train --out", Shape.ModelFile, "m.onnx", "gauntlet",
            (w, o) => ["train", "--arch", "mlp", "--data", "demo", "--epochs", "1", "--limit", "16", "--out", o],
            w => (["train", "--arch", "mlp", "--data", w.NpyImages, "--labels", w.NpyLabels, "--epochs", "1", "--out", w.NpyImages], w.NpyImages),
            w => (["train", "--arch", "mlp", "--data", w.IdxFolder, "--epochs", "1", "--out", Path.Combine(w.IdxFolder, "m.onnx")], w.IdxFolder)),
        // The report command's default output is a sibling of the JSON it reads, so its folder is not an
        // input to protect: only the JSON is (the inside-an-input case does not apply).
        new("report --out", Shape.File, "summary.md", "# Security audit",
            (w, o) => ["report", w.ReportJson, "--format", "md", "--out", o],
            w => (["report", w.ReportFolder, "--format", "json", "--out", w.ReportJson], w.ReportJson),
            null),
        new("scan --output", Shape.File, "scan.json", "\"artifacts\"",
            (w, o) => ["scan", w.ScanFolder, "--format", "json", "--output", o],
            w => (["scan", w.ScanFile, "--format", "json", "--output", w.ScanFile], w.ScanFile),
            w => (["scan", w.ScanFolder, "--format", "json", "--output", Path.Combine(w.ScanFolder, "evil.pkl")], w.ScanFolder)),
        // bench reads no file: nothing to overwrite.
        new("bench --export", Shape.Folder, "cnn-small.onnx", "gauntlet",
            (w, o) => ["bench", "--quick", "--export", o],
            null,
            null),
    ];

    public static TheoryData<string, Case> All()
    {
        var data = new TheoryData<string, Case>();
        foreach (var option in Options)
        {
            foreach (var c in Enum.GetValues<Case>())
            {
                if ((c == Case.EqualToInput && option.EqualToInput is null) || (c == Case.InsideInput && option.InsideInput is null))
                {
                    continue;
                }

                data.Add(option.Name, c);
            }
        }

        return data;
    }

    public void Dispose() => _work.Dispose();

    [Theory]
    [MemberData(nameof(All))]
    public void OutputPath(string name, Case @case)
    {
        var option = Options.Single(o => o.Name == name);
        var accepts = option.Shape == Shape.File; // '-', /dev/null and FIFOs are single-file outputs
        switch (@case)
        {
            case Case.MissingFolder:
                RefusedUnchanged(option.Args(_work, _work[Path.Combine("missing", option.FileName)]));
                break;
            case Case.DirectoryAsFile:
                if (option.Shape == Shape.Folder)
                {
                    Directory.CreateDirectory(_work[Path.Combine("out", option.FileName)]);
                    RefusedUnchanged(option.Args(_work, _work["out"]));
                }
                else
                {
                    Directory.CreateDirectory(_work["a-folder"]);
                    RefusedUnchanged(option.Args(_work, _work["a-folder"]));
                }

                break;
            case Case.FileAsFolder:
                File.WriteAllText(_work["a-file"], "not a folder");
                RefusedUnchanged(option.Args(_work, option.Shape == Shape.Folder ? _work["a-file"] : _work[Path.Combine("a-file", option.FileName)]));
                break;
            case Case.ReadOnlyLocation:
                var proc = "/proc/self/gauntlet-" + option.FileName;
                RefusedUnchanged(option.Args(_work, proc));
                Assert.False(Path.Exists(proc));
                break;
            case Case.DevFull:
                RefusedUnchanged(option.Args(_work, "/dev/full"));
                Assert.Equal("character special file", OutputWorkspace.FileType("/dev/full"));
                break;
            case Case.DevNull:
                var before = _work.Snapshot();
                var devNull = Run(option.Args(_work, "/dev/null"));
                Assert.Equal("character special file", OutputWorkspace.FileType("/dev/null"));
                if (accepts)
                {
                    Succeeded(devNull);
                    Assert.Equal(before, _work.Snapshot());
                }
                else
                {
                    Refused(devNull);
                    Assert.Equal(before, _work.Snapshot());
                }

                break;
            case Case.Fifo:
                Fifo(option, accepts);
                break;
            case Case.Symlink:
                Symlink(option);
                break;
            case Case.StandardOutput:
                var snapshot = _work.Snapshot();
                var dash = Run(option.Args(_work, "-"));
                Assert.False(File.Exists(Path.GetFullPath("-")), "a file named '-' was written");
                Assert.Equal(snapshot, _work.Snapshot());
                if (accepts)
                {
                    Succeeded(dash);
                    Assert.Contains(option.Marker, dash.Out + dash.Console, StringComparison.Ordinal);
                }
                else
                {
                    Refused(dash);
                }

                break;
            case Case.EqualToInput:
                var (equalArgs, equalInput) = option.EqualToInput!(_work);
                var result = RefusedUnchanged(equalArgs);
                Assert.Contains(equalInput, result.Err, StringComparison.Ordinal);
                break;
            case Case.InsideInput:
                var (insideArgs, insideInput) = option.InsideInput!(_work);
                var inside = RefusedUnchanged(insideArgs);
                Assert.Contains(insideInput, inside.Err, StringComparison.Ordinal);
                break;
        }
    }

    public static TheoryData<string> Names() => [.. Options.Select(o => o.Name)];

    /// <summary>A read-only mount (EROFS): refused before any work, as root too.</summary>
    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void ReadOnlyMount(string name)
    {
        var option = Options.Single(o => o.Name == name);
        var mount = _work["ro"];
        WithTmpfs(mount, "ro,size=64k", () =>
        {
            var result = RefusedUnchanged(option.Args(_work, Path.Combine(mount, option.FileName)));
            Assert.Contains("Read-only file system", result.Err, StringComparison.Ordinal);
        });
    }

    /// <summary>A full disk: refused before any work (a new file needs at least one free block).</summary>
    [SkippableTheory]
    [MemberData(nameof(Names))]
    public void FullDisk(string name)
    {
        var option = Options.Single(o => o.Name == name);
        var mount = _work["full"];
        WithTmpfs(mount, "size=64k", () =>
        {
            Fill(mount, leaveFree: 0);
            var result = RefusedUnchanged(option.Args(_work, Path.Combine(mount, option.FileName)));
            Assert.Contains("No space left on device", result.Err, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// A disk that fills up while the files are written (the check before the run passed): exit 2 with
    /// one line, and the earlier file set is left exactly as it was, with no temporary behind. Only the
    /// options whose output is larger than the space left apply.
    /// </summary>
    [SkippableTheory]
    [InlineData("attack --save-examples")]
    [InlineData("audit --out")]
    [InlineData("train --out")]
    [InlineData("bench --export")]
    public void DiskFillsDuringTheWrite(string name)
    {
        var option = Options.Single(o => o.Name == name);
        var mount = _work["small"];
        WithTmpfs(mount, "size=64k", () =>
        {
            var target = option.Shape == Shape.Folder ? Path.Combine(mount, "out") : Path.Combine(mount, option.FileName);
            var earlier = option.Shape == Shape.Folder ? Path.Combine(target, option.FileName) : target;
            Directory.CreateDirectory(Path.GetDirectoryName(earlier)!);
            File.WriteAllText(earlier, "the earlier run's file");
            Fill(mount, leaveFree: 12 * 1024);
            var result = RefusedUnchanged(option.Args(_work, target));
            Assert.Contains("No space left on device", result.Err, StringComparison.Ordinal);
            Assert.StartsWith("error: cannot write ", result.Err, StringComparison.Ordinal);
        });
    }

    private static void WithTmpfs(string mount, string options, Action body)
    {
        Directory.CreateDirectory(mount);
        using (var process = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", options, "tmpfs", mount]) { RedirectStandardError = true })!)
        {
            process.WaitForExit();
            Skip.If(process.ExitCode != 0, "cannot mount a tmpfs here: " + process.StandardError.ReadToEnd().Trim());
        }

        try
        {
            body();
        }
        finally
        {
            using var umount = Process.Start(new ProcessStartInfo("umount", [mount]))!;
            umount.WaitForExit();
        }
    }

    // Fills the disk to within leaveFree bytes with a file the snapshots then include.
    private static void Fill(string mount, long leaveFree)
    {
        using var filler = new FileStream(Path.Combine(mount, "filler"), FileMode.Create, FileAccess.Write);
        var block = new byte[4096];
        try
        {
            while (new DriveInfo(mount).AvailableFreeSpace > leaveFree)
            {
                filler.Write(block);
                filler.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // the disk is full: what was asked for when leaveFree is 0
        }
    }

    private void Fifo(Option option, bool accepts)
    {
        var fifo = _work["pipe"];
        OutputWorkspace.MakeFifo(fifo);
        var before = _work.Snapshot();
        var reader = Task.Run(() => File.ReadAllBytes(fifo)); // opening blocks until a writer opens it
        var result = Run(option.Args(_work, fifo));
        if (!reader.Wait(TimeSpan.FromMilliseconds(200)))
        {
            // Nobody wrote: open and close the writing end so the reader sees end-of-file and ends.
            using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
        }

        Assert.True(reader.Wait(TimeSpan.FromSeconds(10)), "the FIFO's reader never finished");
        Assert.Equal("fifo", OutputWorkspace.FileType(fifo));
        Assert.Equal(before, _work.Snapshot());
        if (accepts)
        {
            Succeeded(result);
            Assert.Contains(option.Marker, System.Text.Encoding.UTF8.GetString(reader.Result), StringComparison.Ordinal);
        }
        else
        {
            Refused(result);
            Assert.Empty(reader.Result);
        }
    }

    // A link to an existing file (or, for a folder option, to a folder): the target is written, the link stays a link.
    private void Symlink(Option option)
    {
        var isFolder = option.Shape == Shape.Folder;
        var real = _work[isFolder ? "real" : "real-" + option.FileName];
        var link = _work[isFolder ? "link" : "link-" + option.FileName];
        if (isFolder)
        {
            Directory.CreateDirectory(real);
            Directory.CreateSymbolicLink(link, real);
        }
        else
        {
            File.WriteAllText(real, "old");
            File.CreateSymbolicLink(link, real);
        }

        var before = _work.Snapshot();
        Succeeded(Run(option.Args(_work, link)));
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        var written = Path.Combine(real, isFolder ? option.FileName : string.Empty).TrimEnd('/');
        var content = File.ReadAllBytes(written);
        Assert.Contains(option.Marker, System.Text.Encoding.Latin1.GetString(content), StringComparison.Ordinal);
        var after = _work.Snapshot();
        var changed = after.Where(e => !before.TryGetValue(e.Key, out var old) || old != e.Value).Select(e => e.Key).ToList();
        Assert.All(changed, path => Assert.True(
            path.StartsWith(Path.GetFileName(real), StringComparison.Ordinal) || (option.Shape == Shape.ModelFile && path == "link-m.train.json"),
            $"{option.Name} changed {path}"));
        Assert.DoesNotContain(after.Keys, path => path.Contains(".gauntlet-", StringComparison.Ordinal) || path.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Empty(before.Keys.Except(after.Keys));
    }

    private (int Code, string Console, string Out, string Err) RefusedUnchanged(string[] args)
    {
        var before = _work.Snapshot();
        var result = Run(args);
        Refused(result);
        Assert.Equal(before, _work.Snapshot());
        return result;
    }

    private static (int Code, string Console, string Out, string Err) Run(string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = CliRunner.Run(args);
        Assert.True(clock.Elapsed < Bound, $"{string.Join(' ', args)} took {clock.Elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static void Refused((int Code, string Console, string Out, string Err) result)
    {
        Assert.True(result.Code == 2, $"exit {result.Code}; stderr: {result.Err}; console: {result.Console}");
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr: " + result.Err);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", lines[0], StringComparison.Ordinal);
    }

    private static void Succeeded((int Code, string Console, string Out, string Err) result) =>
        Assert.True(result.Code == 0, $"exit {result.Code}; stderr: {result.Err}; console: {result.Console}");

    private static (string[] Args, string Input) EqualAuditPlan(OutputWorkspace w)
    {
        // The plan sits in the output folder under a name the audit writes: the run would overwrite it.
        var folder = w["planned"];
        Directory.CreateDirectory(folder);
        var plan = Path.Combine(folder, "security_audit_report.json");
        File.WriteAllText(plan, OutputWorkspace.TinyPlan);
        return (["audit", w.Model, "--data", "demo", "--plan", plan, "--out", folder], plan);
    }
}
