using Spectre.Console.Testing;

namespace Gauntlet.Cli.Tests;

public class BenchCommandTests
{
    [Fact]
    public void BenchQuick_PrintsEveryFigure()
    {
        var console = new TestConsole { EmitAnsiSequences = false };
        console.Profile.Width = 160;
        var code = CliApp.Run(["bench", "--quick"], console, new StringWriter(), new StringWriter());
        var text = console.Output;
        Assert.Equal(0, code);
        Assert.Contains("SGEMM n", text, StringComparison.Ordinal);
        Assert.Contains("1 thread GFLOP/s", text, StringComparison.Ordinal);
        Assert.Matches(@"cnn-small inference: [0-9.]+ images/s", text);
        Assert.Matches(@"PGD-20: [0-9.]+ images/s", text);
        Assert.Matches(@"PGD step allocations: [0-9,]+ bytes per step", text);
    }

    [Fact]
    public void BenchExport_WritesTheModelAndImagesForAnExternalRuntime()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gauntlet-bench-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            var console = new TestConsole { EmitAnsiSequences = false };
            var code = CliApp.Run(["bench", "--quick", "--export", folder], console, new StringWriter(), new StringWriter());
            Assert.Equal(0, code);
            Assert.True(new FileInfo(Path.Combine(folder, "cnn-small.onnx")).Length > 100_000);
            Assert.Equal(40L * 28 * 28 * 4, new FileInfo(Path.Combine(folder, "images.f32")).Length);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void Bench_RejectsNonPositiveRepeats()
    {
        var console = new TestConsole { EmitAnsiSequences = false };
        var error = new StringWriter();
        var code = CliApp.Run(["bench", "--repeats", "0"], console, new StringWriter(), error);
        Assert.NotEqual(0, code);
    }
}
