using System.Runtime.Versioning;
using Gauntlet.Core.IO;

namespace Gauntlet.Core.Tests.IO;

[SupportedOSPlatform("linux")]
public sealed class OutputPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string At(string relative) => Path.Combine(_dir, relative);

    [Fact]
    public void CheckFile_AcceptsANewFileInAWritableFolder_AndCreatesNothing()
    {
        var target = new OutputPolicy([]).CheckFile("--json", At("out.json"));

        Assert.Equal(new OutputTarget("--json", At("out.json"), OutputKind.File), target);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void CheckFile_Dash_IsStandardOutputOnlyWhereAllowed()
    {
        Assert.Equal(OutputKind.StandardOutput, new OutputPolicy([]).CheckFile("--json", "-", allowStandardOutput: true).Kind);
        var error = Assert.Throws<OutputPathException>(() => new OutputPolicy([]).CheckFile("--out", "-"));
        Assert.Equal("--out -: this option writes several files, so it cannot go to standard output; give a file path.", error.Message);
    }

    [Theory]
    [InlineData("/dev/null", OutputKind.Device)]
    [InlineData("/dev/zero", OutputKind.Device)]
    public void CheckFile_AcceptsSinkDevices(string device, OutputKind kind) =>
        Assert.Equal(kind, new OutputPolicy([]).CheckFile("--json", device).Kind);

    [Fact]
    public void CheckFile_RefusesDevFullBeforeTheRun()
    {
        var error = Assert.Throws<OutputPathException>(() => new OutputPolicy([]).CheckFile("--json", "/dev/full"));
        Assert.Equal("--json /dev/full: cannot write: No space left on device (the device is always full).", error.Message);
    }

    [Fact]
    public void CheckFile_RefusesADeviceWhereFilesGoBesideIt()
    {
        var error = Assert.Throws<OutputPathException>(() => new OutputPolicy([]).CheckFile("--out", "/dev/null", allowDevice: false));
        Assert.StartsWith("--out /dev/null: is a device or FIFO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckFile_RefusesMissingFolders_Folders_FilesAsFolders_AndProc()
    {
        File.WriteAllText(At("file"), "x");
        var policy = new OutputPolicy([]);

        Assert.Equal($"--json {At("no/out.json")}: the folder {At("no")} does not exist.", Assert.Throws<OutputPathException>(() => policy.CheckFile("--json", At("no/out.json"))).Message);
        Assert.Equal($"--json {_dir}: is a folder; expected a file.", Assert.Throws<OutputPathException>(() => policy.CheckFile("--json", _dir)).Message);
        Assert.Equal($"--json {At("file/out.json")}: {At("file")} is not a folder.", Assert.Throws<OutputPathException>(() => policy.CheckFile("--json", At("file/out.json"))).Message);
        Assert.StartsWith("--json /proc/self/x.json: cannot write in /proc/self: ", Assert.Throws<OutputPathException>(() => policy.CheckFile("--json", "/proc/self/x.json")).Message, StringComparison.Ordinal);
        Assert.Equal(["file"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void CheckFile_RefusesAnInput_ThroughASymlinkedFolder_AndAHardLink()
    {
        Directory.CreateDirectory(At("real"));
        File.WriteAllText(At("real/model.onnx"), "model");
        Directory.CreateSymbolicLink(At("alias"), At("real"));
        File.CreateSymbolicLink(At("link.onnx"), "real/model.onnx");
        var policy = new OutputPolicy([At("real/model.onnx")]);

        foreach (var spelling in new[] { At("real/model.onnx"), At("alias/model.onnx"), At("link.onnx"), At("real/../alias/./model.onnx") })
        {
            var error = Assert.Throws<OutputPathException>(() => policy.CheckFile("--json", spelling));
            Assert.Equal($"--json {spelling}: would overwrite the input {At("real/model.onnx")}.", error.Message);
        }
    }

    [Fact]
    public void CheckFile_RefusesAPathInsideAnInputFolder()
    {
        Directory.CreateDirectory(At("scanned"));
        var error = Assert.Throws<OutputPathException>(() => new OutputPolicy([At("scanned")]).CheckFile("--output", At("scanned/evil.pkl")));
        Assert.Equal($"--output {At("scanned/evil.pkl")}: is inside the input {At("scanned")}; write outputs elsewhere.", error.Message);
    }

    [Fact]
    public void CheckFolder_RefusesAFileANamedFolderInside_AnInputOfTheSameName_AndStandardOutput()
    {
        File.WriteAllText(At("file"), "x");
        Directory.CreateDirectory(At("out/report.html"));
        Directory.CreateDirectory(At("planned"));
        File.WriteAllText(At("planned/summary.md"), "plan");
        string[] names = ["report.html", "summary.md"];

        Assert.EndsWith("is a file; expected a folder.", Assert.Throws<OutputPathException>(() => new OutputPolicy([]).CheckFolder("--out", At("file"), names)).Message, StringComparison.Ordinal);
        Assert.EndsWith("report.html in it is a folder, where a file is to be written.", Assert.Throws<OutputPathException>(() => new OutputPolicy([]).CheckFolder("--out", At("out"), names)).Message, StringComparison.Ordinal);
        Assert.EndsWith($"would overwrite the input {At("planned/summary.md")}.", Assert.Throws<OutputPathException>(() => new OutputPolicy([At("planned/summary.md")]).CheckFolder("--out", At("planned"), names)).Message, StringComparison.Ordinal);
        Assert.StartsWith("--out -: this option names a folder", Assert.Throws<OutputPathException>(() => new OutputPolicy([]).CheckFolder("--out", "-", names)).Message, StringComparison.Ordinal);
        Assert.Equal(OutputKind.Folder, new OutputPolicy([At("planned/other.yaml")]).CheckFolder("--out", At("planned"), names).Kind);
    }

    [Fact]
    public void TwoOutputsOfOneRun_MayNotLandOnTheSameFile()
    {
        Directory.CreateDirectory(At("examples"));
        var policy = new OutputPolicy([]);
        policy.CheckFolder("--save-examples", At("examples"), ["index.json"]);

        var error = Assert.Throws<OutputPathException>(() => policy.CheckFile("--json", At("examples/index.json")));
        Assert.Equal($"--json {At("examples/index.json")}: is also written by --save-examples {At("examples")}.", error.Message);
        Assert.Equal(OutputKind.File, policy.CheckFile("--json", At("examples/summary.json")).Kind);
    }
}
