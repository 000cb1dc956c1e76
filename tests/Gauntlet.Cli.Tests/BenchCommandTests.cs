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
    public void Bench_RejectsNonPositiveRepeats()
    {
        var console = new TestConsole { EmitAnsiSequences = false };
        var error = new StringWriter();
        var code = CliApp.Run(["bench", "--repeats", "0"], console, new StringWriter(), error);
        Assert.NotEqual(0, code);
    }
}
