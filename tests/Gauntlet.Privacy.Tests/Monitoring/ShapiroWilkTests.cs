using System.Text.Json;
using Gauntlet.Privacy.Monitoring;

namespace Gauntlet.Privacy.Tests.Monitoring;

/// <summary>
/// Royston's Shapiro–Wilk against SciPy's scipy.stats.shapiro on the samples of
/// Fixtures/scipy_shapiro_reference.json (tools/fixtures/make_shapiro_reference.py). SciPy runs
/// the AS R94 Fortran code in single precision, so W agrees to about 1e-6. The p-value of SciPy's
/// own W agrees to a relative 1e-3; the p-value of ours to a relative 2%, because near W = 1
/// (1 − W ≈ 3.5e-4 at n = 5000) a 1e-6 change of W moves p by about 1%.
/// </summary>
public sealed class ShapiroWilkTests
{
    private const double WTolerance = 2e-6;
    private const double PRelativeTolerance = 1e-3;
    private const double PRelativeToleranceOwnW = 2e-2;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Reference().RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WAndPValue_MatchSciPy(string name)
    {
        using var doc = Reference();
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var values = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var result = ShapiroWilk.Test(values);
        var w = c.GetProperty("w").GetDouble();
        var p = c.GetProperty("p").GetDouble();
        Assert.True(Math.Abs(result.W - w) <= WTolerance, $"{name}: W {result.W} vs SciPy {w}");
        var pOfSciPyW = ShapiroWilk.PValue(w, values.Length);
        Assert.True(Math.Abs(pOfSciPyW - p) <= (PRelativeTolerance * p) + 1e-12, $"{name}: p {pOfSciPyW} of SciPy's W vs SciPy {p}");
        Assert.True(Math.Abs(result.PValue - p) <= (PRelativeToleranceOwnW * p) + 1e-12, $"{name}: p {result.PValue} vs SciPy {p}");
    }

    [Fact]
    public void Coefficients_HaveUnitNorm()
    {
        foreach (var n in new[] { 3, 4, 5, 6, 7, 20, 101, 5000 })
        {
            var a = ShapiroWilk.Coefficients(n);
            Assert.Equal(0.5, a.Sum(v => v * v), 1e-9);
        }
    }

    [Fact]
    public void TooFewValues_OrAllEqual_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test([1.0, 1.0, 1.0, 1.0]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.Test(new double[5001]));
    }

    private static JsonDocument Reference() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "scipy_shapiro_reference.json")));
}
