using System.Text.Json;
using System.Xml.Linq;

namespace Gauntlet.Cli.Tests;

/// <summary><c>gauntlet certify</c> on the embedded demo model: the JSON contract, reproducibility, the SVG curve and bad input.</summary>
public sealed class CertifyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-certify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Certify(params string[] extra) => CertifyWithSeed("7", extra);

    private static string[] CertifyWithSeed(string seed, params string[] extra) =>
        ["certify", "demo", "--data", "demo", "--samples", "4", "--sigma", "0.25", "--n0", "20", "--n", "200", "--alpha", "0.01", "--seed", seed, .. extra];

    [Fact]
    public void Json_HoldsCertifiedAccuracyByRadius_AbstainRate_EverySample_TheParametersAndTheSeed()
    {
        var (code, _, json, error) = CliRunner.Run(Certify("--batch", "64", "--json", "-"));
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal(7, root.GetProperty("seed").GetInt32());
        var p = root.GetProperty("params");
        Assert.Equal(0.25, p.GetProperty("sigma").GetDouble());
        Assert.Equal(20, p.GetProperty("n0").GetInt32());
        Assert.Equal(200, p.GetProperty("n").GetInt32());
        Assert.Equal(0.01, p.GetProperty("alpha").GetDouble());
        Assert.Equal(64, p.GetProperty("batch").GetInt32());

        var samples = root.GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal(4, samples.Count);
        var accuracy = root.GetProperty("certified_accuracy");
        Assert.Equal(["0.00", "0.25", "0.50", "0.75", "1.00"], accuracy.EnumerateObject().Select(o => o.Name));
        foreach (var radius in accuracy.EnumerateObject())
        {
            var r = double.Parse(radius.Name, System.Globalization.CultureInfo.InvariantCulture);
            var expected = samples.Count(s => s.GetProperty("correct").GetBoolean() && s.GetProperty("radius").GetDouble() >= r) / 4.0;
            Assert.Equal(expected, radius.Value.GetDouble());
        }

        // 200 draws at α 0.01 certify at most σ Φ⁻¹(0.01^(1/200)) = 0.25 Φ⁻¹(0.977237…) = 0.25 × 1.999766… = 0.499941…
        var max = root.GetProperty("max_certifiable_radius").GetDouble();
        Assert.Equal(0.499941, max, 1e-6);
        Assert.Equal(0, accuracy.GetProperty("0.75").GetDouble());
        var abstained = samples.Count(s => s.GetProperty("abstained").GetBoolean());
        Assert.Equal(abstained / 4.0, root.GetProperty("abstain_rate").GetDouble());
        foreach (var s in samples)
        {
            var radius = s.GetProperty("radius").GetDouble();
            Assert.InRange(radius, 0, max + 1e-12);
            Assert.Equal(s.GetProperty("abstained").GetBoolean() ? -1 : s.GetProperty("guess").GetInt32(), s.GetProperty("prediction").GetInt32());
            Assert.Equal(s.GetProperty("prediction").GetInt32() == s.GetProperty("label").GetInt32(), s.GetProperty("correct").GetBoolean());
            Assert.InRange(s.GetProperty("count_a").GetInt64(), 0, 200);
        }

        // The embedded demo CNN is accurate on its own images, and noise of σ 0.25 leaves most of them certified.
        Assert.True(accuracy.GetProperty("0.00").GetDouble() >= 0.5, json);
        Assert.Contains("certify: 4/4", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSeed_SameResult_WhateverTheBatchSize_AndAnotherSeedDraws_OtherNoise()
    {
        static string Samples(string json) => JsonDocument.Parse(json).RootElement.GetProperty("samples").EnumerateArray()
            .Select(s => $"{s.GetProperty("prediction").GetInt32()}:{s.GetProperty("count_a").GetInt64()}").Aggregate((a, b) => a + "," + b);

        var (c1, _, j1, e1) = CliRunner.Run(Certify("--batch", "64", "--json", "-"));
        var (c2, _, j2, e2) = CliRunner.Run(Certify("--batch", "7", "--json", "-"));
        var (c3, _, j3, e3) = CliRunner.Run(CertifyWithSeed("8", "--batch", "64", "--json", "-"));
        Assert.True(c1 == 0 && c2 == 0 && c3 == 0, e1 + e2 + e3);
        Assert.Equal(Samples(j1), Samples(j2));
        Assert.NotEqual(Samples(j1), Samples(j3));
    }

    [Fact]
    public void Svg_IsAStandaloneChartOfTheCurve_WithTheTableRadiiMarked()
    {
        var svgPath = Path.Combine(_dir, "curve.svg");
        var (code, console, _, error) = CliRunner.Run(Certify("--svg", svgPath));
        Assert.True(code == 0, error);
        Assert.Contains("certified accuracy", console, StringComparison.Ordinal);
        XNamespace svg = "http://www.w3.org/2000/svg";
        var document = XDocument.Load(svgPath);
        Assert.Equal(svg + "svg", document.Root!.Name);
        Assert.Equal(5, document.Descendants(svg + "circle").Count());
    }

    [Theory]
    [InlineData("--sigma", "0", "--sigma")]
    [InlineData("--sigma", "-0.5", "--sigma")]
    [InlineData("--alpha", "0", "--alpha")]
    [InlineData("--alpha", "1", "--alpha")]
    [InlineData("--alpha", "1.5", "--alpha")]
    [InlineData("--n0", "0", "--n0")]
    [InlineData("--n", "10", "--n (10) must be at least --n0 (20)")]
    public void BadParameter_IsOneLine_Exit2_AndWritesNothing(string option, string value, string expected)
    {
        var json = Path.Combine(_dir, "c.json");
        var (code, _, _, error) = CliRunner.Run([.. Certify("--json", json).Where((a, i) => !(a == option || (i > 0 && Certify("--json", json)[i - 1] == option))), option, value]);
        Assert.Equal(CliApp.ExitUserError, code);
        var line = Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
