using System.Diagnostics;

namespace Gauntlet.Scanner.Tests;

/// <summary>
/// Folder scans against hostile trees: symbolic links to malicious files and folders, links out of
/// the root, loops, dangling links, devices and FIFOs, and the walk's limits. Every scan runs under
/// a time bound, so a regression that hangs fails instead of stalling the suite.
/// </summary>
public sealed class FolderWalkTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string temp = Directory.CreateTempSubdirectory("gauntlet-walk-").FullName;
    private readonly string root;
    private readonly string outside;

    public FolderWalkTests()
    {
        root = Directory.CreateDirectory(Path.Combine(temp, "root")).FullName;
        outside = Directory.CreateDirectory(Path.Combine(temp, "outside")).FullName;
    }

    private static string EvilPickle => Path.Combine(Fixtures.CorpusRoot, "malicious", "families", "builtins_eval.pkl");

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void LinkToMaliciousPickleInsideRoot_IsScannedAsCritical()
    {
        File.Copy(EvilPickle, Path.Combine(root, "real.bin"));
        File.CreateSymbolicLink(Path.Combine(root, "model.pkl"), "real.bin");

        var report = Scan(root);

        var link = Artifact(report, "model.pkl");
        Assert.Equal(Severity.Critical, link.MaxSeverity);
        Assert.Contains(link.Findings, f => f.RuleId == "pickle.dangerous-callable");
        Assert.DoesNotContain(link.Findings, f => f.RuleId == "scan.link-outside-root");
        Assert.True(report.HasFindingsAtOrAbove(Severity.High));
    }

    [Fact]
    public void LinkToMaliciousCorpusPickleOutsideRoot_ReportsTheLinkAndTheTargetsFindings()
    {
        File.CreateSymbolicLink(Path.Combine(root, "model.pkl"), EvilPickle);

        var artifact = Assert.Single(Scan(root).Artifacts);

        Assert.Equal("model.pkl", artifact.RelativePath);
        Assert.Contains(artifact.Findings, f => f.RuleId == "pickle.dangerous-callable" && f.Severity == Severity.Critical);
        var link = Assert.Single(artifact.Findings, f => f.RuleId == "scan.link-outside-root");
        Assert.Equal(Severity.Medium, link.Severity);
        Assert.Contains(Path.GetFileName(EvilPickle), link.Message);
    }

    [Fact]
    public void LinkedFolderOutsideRoot_ItsFilesAreScannedAndEachCarriesTheLinkFinding()
    {
        File.Copy(EvilPickle, Path.Combine(outside, "evil.pkl"));
        File.WriteAllBytes(Path.Combine(outside, "notes.txt"), "hello"u8.ToArray());
        Directory.CreateSymbolicLink(Path.Combine(root, "cache"), outside);

        var report = Scan(root);

        Assert.Equal(["cache/evil.pkl", "cache/notes.txt"], report.Artifacts.Select(a => a.RelativePath));
        Assert.All(report.Artifacts, a => Assert.Contains(a.Findings, f => f.RuleId == "scan.link-outside-root" && f.Location == a.RelativePath));
        Assert.Equal(Severity.Critical, Artifact(report, "cache/evil.pkl").MaxSeverity);
    }

    [Fact]
    public void LinkedFolderInsideRoot_IsWalkedOnce()
    {
        var real = Directory.CreateDirectory(Path.Combine(root, "z-real")).FullName;
        File.Copy(EvilPickle, Path.Combine(real, "evil.pkl"));
        Directory.CreateSymbolicLink(Path.Combine(root, "a-link"), "z-real");

        var report = Scan(root);

        // Names sort "a-link" first, so the folder is walked under that name and noted once under its own.
        Assert.Equal(Severity.Critical, Artifact(report, "a-link/evil.pkl").MaxSeverity);
        var again = Artifact(report, "z-real");
        Assert.Equal(["scan.link-loop"], again.Findings.Select(f => f.RuleId));
        Assert.Equal(Severity.Info, again.MaxSeverity);
        Assert.DoesNotContain(report.Artifacts, a => a.Findings.Any(f => f.RuleId == "scan.link-outside-root"));
    }

    [Fact]
    public void FilesLinkingToEachOther_AreALoopFinding()
    {
        File.CreateSymbolicLink(Path.Combine(root, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(root, "b"), "a");

        var report = Scan(root);

        Assert.Equal(["a", "b"], report.Artifacts.Select(a => a.RelativePath));
        Assert.All(report.Artifacts, a => Assert.Equal(("scan.link-loop", Severity.Low), (a.Findings.Single().RuleId, a.Findings.Single().Severity)));
    }

    [Fact]
    public void FolderLinkingToItselfAndToItsParent_AreLoopFindings()
    {
        File.Copy(EvilPickle, Path.Combine(root, "evil.pkl"));
        Directory.CreateSymbolicLink(Path.Combine(root, "self"), ".");
        Directory.CreateSymbolicLink(Path.Combine(root, "up"), "..");

        var report = Scan(root);

        Assert.Equal(Severity.Low, Artifact(report, "self").MaxSeverity);
        Assert.Contains("leads back to '.'", Artifact(report, "self").Findings.Single().Message);
        Assert.Equal("scan.link-loop", Artifact(report, "up/root").Findings.Single().RuleId);
        Assert.Single(report.Artifacts, a => a.Findings.Any(f => f.RuleId == "pickle.dangerous-callable"));
    }

    [Fact]
    public void DanglingLink_IsAFindingNotAnException()
    {
        File.CreateSymbolicLink(Path.Combine(root, "model.pt"), "gone.pt");

        var artifact = Assert.Single(Scan(root).Artifacts);

        var finding = Assert.Single(artifact.Findings);
        Assert.Equal(("scan.dangling-link", Severity.Low), (finding.RuleId, finding.Severity));
        Assert.False(artifact.Analysed);
    }

    [Fact]
    public void DanglingLinkAsThePath_ThrowsFileNotFound()
    {
        var link = Path.Combine(root, "model.pt");
        File.CreateSymbolicLink(link, "gone.pt");

        var ex = Assert.Throws<FileNotFoundException>(() => ModelScanner.Scan(link));
        Assert.Contains("symbolic link", ex.Message);
    }

    [Fact]
    public void LinkToAFileGivenAsThePath_ScansItsTarget()
    {
        var link = Path.Combine(root, "model.pkl");
        File.CreateSymbolicLink(link, EvilPickle);

        var artifact = Assert.Single(Scan(link).Artifacts);

        Assert.Equal(Severity.Critical, artifact.MaxSeverity);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public void DeviceAsThePath_IsListedAndNeverOpened(string device)
    {
        var artifact = Assert.Single(Scan(device).Artifacts);

        Assert.Equal(("scan.not-regular-file", Severity.Medium), (artifact.Findings.Single().RuleId, artifact.Findings.Single().Severity));
        Assert.Equal(0, artifact.SizeBytes);
        Assert.Null(artifact.Sha256);
    }

    [Fact]
    public void FifoAsThePathAndInAFolder_IsListedWithoutBlocking()
    {
        var fifo = MakeFifo(Path.Combine(root, "pipe.pkl"));
        File.CreateSymbolicLink(Path.Combine(root, "zero.pkl"), "/dev/zero");

        Assert.Equal("scan.not-regular-file", Assert.Single(Scan(fifo).Artifacts).Findings.Single().RuleId);
        var report = Scan(root);

        Assert.Equal(["pipe.pkl", "zero.pkl"], report.Artifacts.Select(a => a.RelativePath));
        Assert.All(report.Artifacts, a => Assert.Contains(a.Findings, f => f.RuleId == "scan.not-regular-file"));
        Assert.Contains(Artifact(report, "zero.pkl").Findings, f => f.RuleId == "scan.link-outside-root");
    }

    [Fact]
    public void FileOverMaxFileBytes_IsNotReadButReported()
    {
        File.Copy(EvilPickle, Path.Combine(root, "evil.pkl"));

        var artifact = Assert.Single(Scan(root, new ScanOptions { MaxFileBytes = 8 }).Artifacts);

        Assert.False(artifact.Analysed);
        Assert.Null(artifact.Sha256);
        Assert.Equal(("scan.not-analysed", Severity.Medium), (artifact.Findings.Single().RuleId, artifact.Findings.Single().Severity));
        Assert.Contains("file limit", artifact.Error);
    }

    [Fact]
    public void FolderDeeperThanMaxFolderDepth_IsReportedNotWalked()
    {
        var deep = Directory.CreateDirectory(Path.Combine(root, "a", "b", "c")).FullName;
        File.Copy(EvilPickle, Path.Combine(deep, "evil.pkl"));

        var report = Scan(root, new ScanOptions { MaxFolderDepth = 2, Include = ["*.pkl"] });

        var artifact = Assert.Single(report.Artifacts);
        Assert.Equal("a/b/c", artifact.RelativePath);
        Assert.Equal(("scan.not-analysed", Severity.Medium), (artifact.Findings.Single().RuleId, artifact.Findings.Single().Severity));
    }

    [Fact]
    public void WalkPastMaxFiles_StopsAndSaysSo()
    {
        for (var i = 0; i < 10; i++)
        {
            File.WriteAllBytes(Path.Combine(root, $"f{i}.bin"), [1, 2, 3]);
        }

        var report = Scan(root, new ScanOptions { MaxFiles = 4 });

        Assert.Equal(5, report.Artifacts.Count);
        Assert.Contains("more than 4 entries", Artifact(report, ".").Findings.Single().Message);
    }

    [Fact]
    public void Includes_ReportWhatMatchedNothing()
    {
        File.Copy(EvilPickle, Path.Combine(root, "evil.pkl"));
        File.WriteAllBytes(Path.Combine(root, "notes.txt"), [1]);

        var report = Scan(root, new ScanOptions { Include = ["*.pt", "*.pkl"] });

        Assert.Equal(["evil.pkl"], report.Artifacts.Select(a => a.RelativePath));
        Assert.Equal(["*.pt"], report.UnmatchedIncludes);
        Assert.Equal(1, report.FilesFilteredOut);
    }

    [Fact]
    public void InvalidGlob_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ModelScanner.Scan(root, new ScanOptions { Exclude = ["{a"] }));
    }

    [Fact]
    public void NewRules_AreInTheCatalogue()
    {
        foreach (var id in new[] { "scan.link-outside-root", "scan.link-loop", "scan.dangling-link", "scan.not-regular-file" })
        {
            Assert.NotEmpty(ScanRules.Get(id).Cwe);
        }
    }

    private static ArtifactReport Artifact(ScanReport report, string relative) => Assert.Single(report.Artifacts, a => a.RelativePath == relative);

    private static ScanReport Scan(string path, ScanOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        var scan = Task.Run(() => ModelScanner.Scan(path, options));
        Assert.True(scan.Wait(Bound), $"scanning {path} did not finish within {Bound.TotalSeconds} s");
        Assert.True(clock.Elapsed < Bound);
        return scan.Result;
    }

    private static string MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }
}
