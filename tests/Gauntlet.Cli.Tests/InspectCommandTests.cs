namespace Gauntlet.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private const string Data = "/usr/share/libonnx-testdata/data";

    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-inspect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Console, string Err) Run(params string[] args)
    {
        var (code, console, _, error) = CliRunner.RunWithWidth(160, args);
        return (code, console, error);
    }

    [Fact]
    public void Inspect_ShowsIoOpsOpsetAndParameters()
    {
        var (code, console, err) = Run("inspect", Path.Combine(Data, "pytorch-converted/test_Conv2d/model.onnx"));
        Assert.True(code == 0, err);
        Assert.Contains("input", console);
        Assert.Contains("output", console);
        Assert.Contains("Conv", console);
        Assert.Contains("opset: ai.onnx", console);
        Assert.Contains("parameters:", console);
        Assert.Contains("unsupported operators: none", console);
    }

    [Fact]
    public void Inspect_ListsUnsupportedOperators()
    {
        var (code, console, _) = Run("inspect", Path.Combine(Data, "node/test_cosh/model.onnx"));
        Assert.Equal(0, code);
        Assert.Contains("unsupported operators: Cosh", console);
    }

    [Fact]
    public void Inspect_MalformedModel_IsOneLineErrorWithExitCode2()
    {
        var path = Path.Combine(_dir, "broken.onnx");
        File.WriteAllBytes(path, [0x3A, 0x7F, 0x01, 0x02]);
        var (code, _, err) = Run("inspect", path);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("broken.onnx", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Inspect_MissingFile_IsUserError()
    {
        var (code, _, err) = Run("inspect", Path.Combine(_dir, "nope.onnx"));
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Contains("nope.onnx", err);
    }
}
