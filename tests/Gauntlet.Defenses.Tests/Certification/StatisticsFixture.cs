using System.Text.Json;

namespace Gauntlet.Defenses.Tests.Certification;

/// <summary>The SciPy/statsmodels reference values written by tools/certification/make_smoothing_statistics.py.</summary>
internal static class StatisticsFixture
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Certification", "Fixtures", "smoothing_statistics.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> Cases(string family) => Root.GetProperty(family).EnumerateArray();

    /// <summary>|actual − expected| within <paramref name="relative"/>·|expected|, or <paramref name="absolute"/> near zero.</summary>
    public static void Near(double expected, double actual, double relative, double absolute, string what) =>
        Assert.True(
            Math.Abs(actual - expected) <= Math.Max(relative * Math.Abs(expected), absolute),
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(actual - expected):G3})");
}
