using System.Diagnostics;

namespace Gauntlet.Cli.Tests.BadInput;

/// <summary>
/// <c>gauntlet scan</c> against hostile inputs, one row per case: symbolic links to malicious
/// files and folders, links out of the scanned folder, loops, dangling links, devices and FIFOs,
/// invalid globs and globs that match nothing. Each row asserts the exit code, the one-line error
/// (or the rule in the report) and that the command finished within a bound instead of hanging.
/// </summary>
public sealed class ScanCases : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static readonly Dictionary<string, ScanCase> All = new[]
    {
        new ScanCase("link to a malicious pickle inside the folder", dir =>
        {
            File.Copy(EvilPickle, Path.Combine(dir, "real.bin"));
            File.CreateSymbolicLink(Path.Combine(dir, "model.pkl"), "real.bin");
            return ["scan", dir, "--fail-on", "high"];
        }, CliApp.ExitFindings, Report: "pickle.dangerous-callable"),
        new ScanCase("link to a malicious corpus pickle outside the folder", dir =>
        {
            File.CreateSymbolicLink(Path.Combine(dir, "model.pkl"), EvilPickle);
            return ["scan", dir, "--fail-on", "high", "--format", "json"];
        }, CliApp.ExitFindings, Report: "scan.link-outside-root", AlsoReport: "pickle.dangerous-callable"),
        new ScanCase("linked folder outside the folder", dir =>
        {
            var outside = Directory.CreateDirectory(dir + "-outside").FullName;
            File.Copy(EvilPickle, Path.Combine(outside, "evil.pkl"));
            Directory.CreateSymbolicLink(Path.Combine(dir, "cache"), outside);
            return ["scan", dir, "--fail-on", "high", "--format", "json"];
        }, CliApp.ExitFindings, Report: "scan.link-outside-root", AlsoReport: "cache/evil.pkl"),
        new ScanCase("link given as the path", dir =>
        {
            var link = Path.Combine(dir, "model.pkl");
            File.CreateSymbolicLink(link, EvilPickle);
            return ["scan", link, "--fail-on", "high"];
        }, CliApp.ExitFindings, Report: "pickle.dangerous-callable"),
        new ScanCase("files linking to each other", dir =>
        {
            File.CreateSymbolicLink(Path.Combine(dir, "a"), "b");
            File.CreateSymbolicLink(Path.Combine(dir, "b"), "a");
            return ["scan", dir, "--fail-on", "low", "--format", "json"];
        }, CliApp.ExitFindings, Report: "scan.link-loop"),
        new ScanCase("folder linking to itself and its parent", dir =>
        {
            Directory.CreateSymbolicLink(Path.Combine(dir, "self"), ".");
            Directory.CreateSymbolicLink(Path.Combine(dir, "up"), "..");
            return ["scan", dir, "--format", "json"];
        }, CliApp.ExitOk, Report: "scan.link-loop"),
        new ScanCase("dangling link in the folder", dir =>
        {
            File.CreateSymbolicLink(Path.Combine(dir, "model.pt"), "missing.pt");
            return ["scan", dir, "--fail-on", "low"];
        }, CliApp.ExitFindings, Report: "scan.dangling-link"),
        new ScanCase("dangling link as the path", dir =>
        {
            var link = Path.Combine(dir, "model.pt");
            File.CreateSymbolicLink(link, "missing.pt");
            return ["scan", link];
        }, CliApp.ExitUserError, Error: "which does not exist"),
        new ScanCase("/dev/zero as the path", _ => ["scan", "/dev/zero"], CliApp.ExitUserError, Error: "'/dev/zero' is a device, FIFO or socket"),
        new ScanCase("/dev/null as the path", _ => ["scan", "/dev/null"], CliApp.ExitUserError, Error: "'/dev/null' is a device, FIFO or socket"),
        new ScanCase("FIFO as the path", dir => ["scan", MakeFifo(Path.Combine(dir, "pipe.pkl"))], CliApp.ExitUserError, Error: "is a device, FIFO or socket"),
        new ScanCase("FIFO in the folder", dir =>
        {
            MakeFifo(Path.Combine(dir, "pipe.pkl"));
            return ["scan", dir];
        }, CliApp.ExitFindings, Report: "scan.not-regular-file"),
        new ScanCase("link to /dev/zero in the folder", dir =>
        {
            File.CreateSymbolicLink(Path.Combine(dir, "weights.bin"), "/dev/zero");
            return ["scan", dir];
        }, CliApp.ExitFindings, Report: "scan.not-regular-file"),
        new ScanCase("link to /dev/null in the folder", dir =>
        {
            File.CreateSymbolicLink(Path.Combine(dir, "weights.bin"), "/dev/null");
            return ["scan", dir];
        }, CliApp.ExitFindings, Report: "scan.not-regular-file"),
        new ScanCase("--include '['", dir => ["scan", WithPickle(dir), "--include", "["], CliApp.ExitUserError, Error: "--include: invalid glob '[': unclosed '['"),
        new ScanCase("--include with an unbalanced brace", dir => ["scan", WithPickle(dir), "--include", "*.{pt,pkl"], CliApp.ExitUserError, Error: "--include: invalid glob '*.{pt,pkl': unbalanced '{'"),
        new ScanCase("--exclude with a stray brace", dir => ["scan", WithPickle(dir), "--exclude", "a}"], CliApp.ExitUserError, Error: "--exclude: invalid glob 'a}': unbalanced '}'"),
        new ScanCase("--include that is empty", dir => ["scan", WithPickle(dir), "--include", ""], CliApp.ExitUserError, Error: "--include: invalid glob '': empty"),
        new ScanCase("--include with a newline stays one line", dir => ["scan", WithPickle(dir), "--include", "a\n["], CliApp.ExitUserError, Error: "invalid glob 'a\\x0a['"),
        new ScanCase("--include matching no file", dir => ["scan", WithPickle(dir), "--include", "*.pt"], CliApp.ExitUserError, Error: "no file matched --include '*.pt'"),
        new ScanCase("--exclude leaving no file", dir => ["scan", WithPickle(dir), "--exclude", "*"], CliApp.ExitUserError, Error: "no file matched --exclude '*'"),
        new ScanCase("one of two includes matching no file", dir => ["scan", WithPickle(dir), "--include", "*.pt", "--include", "*.pkl"], CliApp.ExitFindings, Report: "pickle.dangerous-callable", Warning: "warning: --include '*.pt' matched no file"),
        new ScanCase("--max-file-gb 0", dir => ["scan", WithPickle(dir), "--max-file-gb", "0"], CliApp.ExitUserError, Error: "--max-file-gb: '0' is not a whole number between 1 and"),
    }.ToDictionary(c => c.Name);

    private readonly string temp = Directory.CreateTempSubdirectory("gauntlet-scan-bad-").FullName;

    public static TheoryData<string> Cases => [.. All.Keys];

    private static string EvilPickle => Path.Combine(RepoPaths.Root, "tests", "Gauntlet.Scanner.Tests", "Fixtures", "corpus", "malicious", "families", "builtins_eval.pkl");

    // The "outside" folder of a case is a sibling of its models folder, so it goes with the rest.
    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scan_BadInput_FailsCleanlyWithinTheBound(string name)
    {
        var @case = All[name];
        var args = @case.Arrange(Directory.CreateDirectory(Path.Combine(temp, "models")).FullName);
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() => CliRunner.Run(args));
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(Bound)));
        var (code, console, output, error) = await run;

        Assert.True(clock.Elapsed < Bound);
        Assert.True(@case.Exit == code, $"'{name}': exit {code}, expected {@case.Exit}; stderr: {error}");
        if (@case.Error is not null)
        {
            var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith("error: ", line);
            Assert.Contains(@case.Error, line);
            Assert.DoesNotContain("   at ", error);
        }
        else if (@case.Warning is not null)
        {
            Assert.Equal(@case.Warning, error.TrimEnd('\n'));
        }
        else
        {
            Assert.Equal(string.Empty, error);
        }

        var report = console + output;
        Assert.Contains(@case.Report ?? string.Empty, report);
        Assert.Contains(@case.AlsoReport ?? string.Empty, report);
    }

    private static string WithPickle(string dir)
    {
        File.Copy(EvilPickle, Path.Combine(dir, "evil.pkl"));
        return dir;
    }

    private static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>One row: how to lay out the folder and build the arguments, and what must come out.</summary>
    private sealed record ScanCase(string Name, Func<string, string[]> Arrange, int Exit, string? Error = null, string? Report = null, string? AlsoReport = null, string? Warning = null);
}
