using System.Text.Json;

namespace Gauntlet.Core.Tests;

public sealed class SeverityTests
{
    [Fact]
    public void Severities_AreOrdered_InfoLowestCriticalHighest()
    {
        Assert.True(Severity.Info < Severity.Low);
        Assert.True(Severity.Low < Severity.Medium);
        Assert.True(Severity.Medium < Severity.High);
        Assert.True(Severity.High < Severity.Critical);
        Assert.Equal([Severity.Info, Severity.Low, Severity.Medium, Severity.High, Severity.Critical], Enum.GetValues<Severity>());
        Assert.Equal([Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info], SeverityNames.MostSevereFirst);
    }

    [Theory]
    [InlineData(Severity.Info, "info")]
    [InlineData(Severity.Low, "low")]
    [InlineData(Severity.Medium, "medium")]
    [InlineData(Severity.High, "high")]
    [InlineData(Severity.Critical, "critical")]
    public void ToName_AndParse_RoundTrip(Severity severity, string name)
    {
        Assert.Equal(name, severity.ToName());
        Assert.Equal(severity, SeverityNames.Parse(name));
        Assert.Equal(severity, SeverityNames.Parse(" " + name.ToUpperInvariant() + " "));
        Assert.True(SeverityNames.TryParse(name, out var parsed));
        Assert.Equal(severity, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("severe")]
    [InlineData("3")]
    [InlineData("high, low")]
    public void Parse_RefusesAnythingButTheFiveNames(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => SeverityNames.Parse(text));
        Assert.Contains("expected info, low, medium, high or critical", ex.Message, StringComparison.Ordinal);
        Assert.False(SeverityNames.TryParse(text, out _));
    }

    [Fact]
    public void ToName_ThrowsForUndefinedValue() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((Severity)7).ToName());

    [Fact]
    public void JsonConverter_WritesLowerCaseNames_AndReadsAnyCase()
    {
        var options = new JsonSerializerOptions { Converters = { new SeverityJsonConverter() } };

        Assert.Equal("[\"critical\",\"info\"]", JsonSerializer.Serialize(new[] { Severity.Critical, Severity.Info }, options));
        Assert.Equal([Severity.High, Severity.Low], JsonSerializer.Deserialize<Severity[]>("[\"High\",\"low\"]", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Severity>("\"severe\"", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Severity>("3", options));
    }
}
