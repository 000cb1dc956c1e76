using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Gauntlet.Core.IO;

namespace Gauntlet.Core.Tests.IO;

// Device nodes, FIFOs and stat(1) are the point of these tests: they are Linux tests.
[SupportedOSPlatform("linux")]
public sealed partial class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WriteAllText_CreatesTheFile_Utf8WithoutBom_AndLeavesNoTemp()
    {
        var path = Path.Combine(_dir, "report.json");

        AtomicFile.WriteAllText(path, "ε = 0.03");

        Assert.Equal(Encoding.UTF8.GetBytes("ε = 0.03"), File.ReadAllBytes(path));
        Assert.Equal(["report.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllBytes_ReplacesAnExistingFile_KeepingItsPermissions()
    {
        var path = Path.Combine(_dir, "model.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9, 9]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Write_WhenTheWriterThrows_LeavesTheOldFile_AndNoTempFile()
    {
        var path = Path.Combine(_dir, "summary.md");
        File.WriteAllText(path, "old");

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half a new rep"u8);
            throw new InvalidOperationException("renderer failed");
        }));

        Assert.Equal("renderer failed", ex.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["summary.md"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_WhenTheWriterThrows_AndNoTargetExisted_LeavesNothing()
    {
        var path = Path.Combine(_dir, "new.json");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));

        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void Write_ThroughASymlink_ReplacesTheFinalTarget_AndTheLinkStaysALink()
    {
        var real = Path.Combine(_dir, "real.txt");
        File.WriteAllText(real, "old");
        var first = Path.Combine(_dir, "first.txt");
        var link = Path.Combine(_dir, "link.txt");
        File.CreateSymbolicLink(first, "real.txt"); // relative: resolved from the link's folder
        File.CreateSymbolicLink(link, first);       // a chain of two links

        AtomicFile.WriteAllText(link, "new");

        Assert.Equal("new", File.ReadAllText(real));
        Assert.Equal(first, new FileInfo(link).LinkTarget);
        Assert.Equal("real.txt", new FileInfo(first).LinkTarget);
        Assert.Equal(3, Directory.GetFileSystemEntries(_dir).Length);
    }

    [Fact]
    public void Write_ThroughADanglingSymlink_CreatesTheTarget()
    {
        var link = Path.Combine(_dir, "link.txt");
        File.CreateSymbolicLink(link, Path.Combine(_dir, "later.txt"));

        AtomicFile.WriteAllText(link, "created");

        Assert.Equal("created", File.ReadAllText(Path.Combine(_dir, "later.txt")));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void Write_ToDevNull_WritesThrough_AndDevNullStaysACharacterDevice()
    {
        AtomicFile.WriteAllText("/dev/null", "discarded");

        Assert.Equal("character special file", FileType("/dev/null"));
        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/null"));
        Assert.Empty(Directory.GetFiles("/dev", ".null.*"));
    }

    [Fact]
    public void Write_ToDevFull_ThrowsIOException_AndDevFullStaysACharacterDevice()
    {
        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllBytes("/dev/full", new byte[1 << 17]));

        Assert.Equal("character special file", FileType("/dev/full"));
    }

    [Fact]
    public async Task Write_ToAFifo_WritesThroughToTheReader_AndTheFifoStaysAFifo()
    {
        var fifo = Path.Combine(_dir, "pipe");
        Assert.True(MakeFifo(fifo, 0x180) == 0, $"mkfifo failed with errno {Marshal.GetLastPInvokeError()}");
        Assert.Equal(FileKind.Special, FileKinds.Of(fifo));

        // Opening a FIFO blocks until the other end opens too, so the reader runs alongside.
        var reader = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.WriteAllText(fifo, "through the pipe");

        Assert.Equal("through the pipe", await reader.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("fifo", FileType(fifo));
        Assert.Equal(["pipe"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_ToAFolder_OrIntoAMissingFolder_Throws()
    {
        var ex = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(_dir, "x"));
        Assert.Contains("folder", ex.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(Path.Combine(_dir, "no", "such.txt"), "x"));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void FileKinds_TellsRegularFilesFoldersAndMissingPathsApart()
    {
        var file = Path.Combine(_dir, "f");
        File.WriteAllText(file, "");

        Assert.Equal(FileKind.Regular, FileKinds.Of(file));
        Assert.Equal(FileKind.Directory, FileKinds.Of(_dir));
        Assert.Equal(FileKind.Missing, FileKinds.Of(Path.Combine(_dir, "none")));
        Assert.Equal(FileKind.Missing, FileKinds.Of(Path.Combine(file, "under-a-file")));
    }

    // An independent check of the file type, not through the code under test: stat(1) from coreutils.
    private static string FileType(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-L", "-c", "%F", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return output;
    }

    [LibraryImport("libc", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MakeFifo(string path, uint mode);
}
