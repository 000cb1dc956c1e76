using System.Runtime.Versioning;
using Gauntlet.Core.IO;

namespace Gauntlet.Core.Tests.IO;

[SupportedOSPlatform("linux")]
public sealed class OutputTransactionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-transaction-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string At(string relative) => Path.Combine(_dir, relative);

    private string[] Entries() => [.. Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_dir, p)).Order(StringComparer.Ordinal)];

    [Fact]
    public void NothingAppearsBeforeCommit_AndEverythingAfter()
    {
        using var transaction = new OutputTransaction();
        transaction.WriteAllText(At("a.json"), "a");
        transaction.WriteAllText(At("new/b.json"), "b");

        Assert.False(File.Exists(At("a.json")));
        Assert.False(Directory.Exists(At("new")));
        var written = transaction.Commit();

        Assert.Equal([At("a.json"), At("new/b.json")], written);
        Assert.Equal(["a.json", "new", "new/b.json"], Entries());
        Assert.Equal("b", File.ReadAllText(At("new/b.json")));
    }

    [Fact]
    public void DisposeWithoutCommit_LeavesNothing()
    {
        using (var transaction = new OutputTransaction())
        {
            transaction.WriteAllText(At("a.json"), "a");
            transaction.WriteAllText(At("new/b.json"), "b");
        }

        Assert.Empty(Entries());
    }

    [Fact]
    public void AFailingWriter_IsReportedWithTheTargetsName_AndLeavesNoTemporary()
    {
        File.WriteAllText(At("report.html"), "old");
        using var transaction = new OutputTransaction();
        transaction.WriteAllText(At("summary.md"), "new");

        var error = Assert.Throws<OutputWriteException>(() => transaction.Write(At("report.html"), _ => throw new IOException("No space left on device : '/tmp/.gauntlet-x.tmp/report.html'")));

        Assert.Equal($"cannot write {At("report.html")}: No space left on device", error.Message);
        transaction.Dispose();
        Assert.Equal(["report.html"], Entries());
        Assert.Equal("old", File.ReadAllText(At("report.html")));
    }

    [Fact]
    public void AFailedRename_PutsBackEveryFileAlreadyReplaced()
    {
        File.WriteAllText(At("a.txt"), "old a");
        File.SetUnixFileMode(At("a.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var transaction = new OutputTransaction();
        transaction.WriteAllText(At("a.txt"), "new a");
        transaction.WriteAllText(At("b.txt"), "new b");
        Directory.CreateDirectory(At("b.txt")); // appears after staging: the second rename fails

        var error = Assert.Throws<OutputWriteException>(transaction.Commit);

        Assert.Equal($"cannot write {At("b.txt")}: it is a folder", error.Message);
        Assert.Equal("old a", File.ReadAllText(At("a.txt")));
        Assert.Equal(["a.txt", "b.txt"], Entries());
    }

    [Fact]
    public void ReplacingKeepsPermissions_AndWritesThroughSymlinks()
    {
        File.WriteAllText(At("real.json"), "old");
        File.SetUnixFileMode(At("real.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(At("link.json"), "real.json");
        using var transaction = new OutputTransaction();
        transaction.WriteAllText(At("link.json"), "new");
        transaction.Commit();

        Assert.Equal("new", File.ReadAllText(At("real.json")));
        Assert.Equal("real.json", new FileInfo(At("link.json")).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(At("real.json")));
        Assert.Equal(["link.json", "real.json"], Entries());
    }

    [Fact]
    public void CompanionFilesWrittenBesideTheStagedPath_AreCommittedToo()
    {
        using var transaction = new OutputTransaction();
        transaction.WriteWith(At("m.gntp"), staged =>
        {
            File.WriteAllText(staged, "parameters");
            File.WriteAllText(Path.ChangeExtension(staged, ".model.json"), "manifest");
        });
        transaction.Commit();

        Assert.Equal(["m.gntp", "m.model.json"], Entries());
    }

    [Fact]
    public void DevicesAreWrittenThrough_AndARefusingDeviceStopsTheCommitBeforeAnyRename()
    {
        using (var ok = new OutputTransaction())
        {
            ok.WriteAllText("/dev/null", "discarded");
            Assert.Equal(["/dev/null"], ok.Commit());
        }

        using var full = new OutputTransaction();
        full.WriteAllText(At("a.json"), "a");
        full.WriteAllText("/dev/full", "refused");

        var error = Assert.Throws<OutputWriteException>(full.Commit);
        Assert.Equal("cannot write /dev/full: No space left on device", error.Message);
        Assert.Empty(Entries());
        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/full")); // opened, never replaced
    }
}
