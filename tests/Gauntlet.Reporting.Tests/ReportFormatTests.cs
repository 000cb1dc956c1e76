namespace Gauntlet.Reporting.Tests;

public sealed class ReportFormatTests
{
    [Theory]
    [InlineData(0.8333, "83.3%")]
    [InlineData(1.0, "100.0%")]
    [InlineData(0.0, "0.0%")]
    [InlineData(double.NaN, "n/a")]
    public void Percent_HasOneDecimal(double fraction, string expected) => Assert.Equal(expected, ReportFormat.Percent(fraction));

    [Theory]
    [InlineData(42.50, 1, "42.5")]
    [InlineData(0.12345, 4, "0.1235")]
    [InlineData(3.0, 2, "3")]
    [InlineData(2.6, 0, "3")]
    [InlineData(-0.05, 1, "-0.1")]
    public void Number_DropsTrailingZeros(double value, int decimals, string expected) => Assert.Equal(expected, ReportFormat.Number(value, decimals));

    [Fact]
    public void Integer_HasNoGroupSeparator() => Assert.Equal("1234567", ReportFormat.Integer(1234567));
}
