using System.Text.Json;

namespace Gauntlet.Cli.Tests;

public sealed class InvertCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-invert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void OneClass_WritesItsPngAndFigures()
    {
        var outDir = Path.Combine(_dir, "inv");
        var json = Path.Combine(_dir, "inv.json");
        var (code, console, _, error) = CliRunner.Run("invert", "demo", "--class", "1", "--data", "demo", "--samples", "200", "--steps", "40", "--out", outDir, "--json", json);
        Assert.True(code == CliApp.ExitOk, error);
        Assert.Contains("model inversion", console);
        var png = File.ReadAllBytes(Path.Combine(outDir, "class_1.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var c = Assert.Single(doc.RootElement.GetProperty("classes").EnumerateArray());
        Assert.Equal(1, c.GetProperty("class").GetInt32());
        Assert.Equal("class_1.png", c.GetProperty("image").GetString());
        Assert.InRange(c.GetProperty("confidence").GetDouble(), 0.5, 1.0);
        Assert.True(c.GetProperty("nearest_same_class_l2").GetDouble() <= c.GetProperty("mean_same_class_l2").GetDouble());
    }

    [Theory]
    [InlineData("10")]
    [InlineData("99")]
    [InlineData("shirt")]
    public void AClassOutOfRange_IsOneLineExit2(string value)
    {
        var outDir = Path.Combine(_dir, "inv");
        var (code, _, _, error) = CliRunner.Run("invert", "demo", "--class", value, "--data", "demo", "--samples", "10", "--out", outDir);
        Assert.Equal(CliApp.ExitUserError, code);
        Assert.Equal($"error: --class {value}: expected 'all' or a class index in 0..9 (the model demo has 10 classes).", error.Trim());
        Assert.False(File.Exists(Path.Combine(outDir, "class_0.png")));
    }
}
