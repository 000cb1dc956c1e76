using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text;
using Gauntlet.Core.IO;

namespace Gauntlet.Core.Tests.IO;

// FIFOs and device nodes are the point of these tests: they are Linux tests.
[SupportedOSPlatform("linux")]
public sealed class InputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadAllBytes_ARegularFile_ReturnsItsBytes()
    {
        var path = Write("a.bin", [1, 2, 3]);

        Assert.Equal([1, 2, 3], InputFile.ReadAllBytes(path, "test file"));
        Assert.Equal(3, InputFile.Check(path, "test file"));
    }

    [Fact]
    public void ReadAllText_FollowsASymbolicLink_ToItsTarget()
    {
        var target = Write("target.yaml", Encoding.UTF8.GetBytes("samples: 2"));
        var link = Path.Combine(_dir, "link.yaml");
        File.CreateSymbolicLink(link, target);

        Assert.Equal("samples: 2", InputFile.ReadAllText(link, "audit plan"));
    }

    [Fact]
    public void Missing_IsFileNotFound_NamingWhatAndWhere()
    {
        var path = Path.Combine(_dir, "nope.npy");

        var ex = Assert.Throws<FileNotFoundException>(() => InputFile.OpenRead(path, "NumPy file"));

        Assert.Equal($"NumPy file not found: {path}", ex.Message);
    }

    [Fact]
    public void Folder_IsRefused_AsAFolderNotAFile()
    {
        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllBytes(_dir, "ONNX model"));

        Assert.Equal($"{_dir}: is a folder, not a file (expected ONNX model).", ex.Message);
    }

    [Theory]
    [InlineData("/dev/zero", "character device")]
    [InlineData("/dev/null", "character device")]
    public void Device_IsRefused_BeforeItIsRead(string device, string kind)
    {
        var link = Path.Combine(_dir, "labels.npy");
        File.CreateSymbolicLink(link, device);

        var ex = Assert.Throws<InvalidDataException>(() => InputFile.OpenRead(link, "label file"));

        Assert.Equal($"{link}: is not a regular file ({kind}); Gauntlet reads regular files only (expected label file).", ex.Message);
    }

    [Fact]
    public void Fifo_IsRefused_WithoutOpeningIt()
    {
        var fifo = Path.Combine(_dir, "data.npy");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO with no writer blocks: a refusal that returns at all shows it was not opened.
        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllBytes(fifo, "data set"));

        Assert.Contains("is not a regular file (FIFO)", ex.Message);
    }

    [Fact]
    public void OverTheLimit_IsRefusedBeforeReading_NamingTheLimitAndHowToRaiseIt()
    {
        var path = Write("big.json", new byte[101]);

        var ex = Assert.Throws<InvalidDataException>(() => InputFile.ReadAllText(path, "audit report", new ByteLimit(100, "set GAUNTLET_MAX_DOCUMENT_BYTES to raise it")));

        Assert.Equal($"{path}: audit report is 101 bytes, over the 100-byte limit (set GAUNTLET_MAX_DOCUMENT_BYTES to raise it).", ex.Message);
    }

    [Fact]
    public void AtTheLimit_IsRead()
    {
        var path = Write("edge.bin", new byte[100]);

        Assert.Equal(100, InputFile.ReadAllBytes(path, "test file", new ByteLimit(100, "n/a")).Length);
    }
}
