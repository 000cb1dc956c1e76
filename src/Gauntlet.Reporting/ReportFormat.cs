using System.Globalization;

namespace Gauntlet.Reporting;

/// <summary>
/// The number formats every report shares, so one figure reads the same in every report and every
/// format. Builders format numbers with these; the writers never format a measured value themselves.
/// </summary>
public static class ReportFormat
{
    /// <summary>A 0–1 fraction as a percentage with one decimal: <c>0.8333</c> → <c>83.3%</c>; a non-finite value → <c>n/a</c>.</summary>
    /// <param name="fraction">The fraction, 1 being 100%.</param>
    /// <returns>The percentage text, invariant culture.</returns>
    public static string Percent(double fraction) => double.IsFinite(fraction)
        ? (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%"
        : "n/a";

    /// <summary>A number with up to <paramref name="decimals"/> decimals and no trailing zeros: <c>42.50</c> → <c>42.5</c>.</summary>
    /// <param name="value">The value; NaN and infinities are written as .NET writes them.</param>
    /// <param name="decimals">The most decimals kept, 0 or more.</param>
    /// <returns>The number text, invariant culture.</returns>
    public static string Number(double value, int decimals = 3) => double.IsFinite(value)
        ? value.ToString(decimals > 0 ? "0." + new string('#', decimals) : "0", CultureInfo.InvariantCulture)
        : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An integer, invariant culture, no group separators.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The integer text.</returns>
    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}
