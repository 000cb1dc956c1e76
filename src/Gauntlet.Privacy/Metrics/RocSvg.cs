using Gauntlet.Core.Metrics;
using System.Globalization;
using System.Text;

namespace Gauntlet.Privacy.Metrics;

/// <summary>
/// ROC curves as a standalone SVG with log-log axes, the form Carlini et al. (2022) argue for:
/// a linear plot hides the low-FPR region where an attack is actually dangerous.
/// </summary>
public static class RocSvg
{
    private const int Size = 420;
    private const int Margin = 50;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    /// <summary>Draws each named curve and the chance diagonal TPR = FPR.</summary>
    /// <remarks>
    /// Both axes run from 10^⌊log10(1/N)⌋ (N the largest class count of any curve, so the smallest
    /// non-zero rate is on the chart) to 1; rates of 0 are drawn at the lower edge.
    /// </remarks>
    public static string Render(IReadOnlyList<(string Name, RocCurve Curve)> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var n = curves.Count == 0 ? 10 : curves.Max(c => Math.Max(c.Curve.Positives, c.Curve.Negatives));
        var minExp = Math.Floor(Math.Log10(1.0 / Math.Max(n, 10)));
        double X(double rate) => Margin + ((Math.Log10(Math.Max(rate, Math.Pow(10, minExp))) - minExp) / -minExp * (Size - (2 * Margin)));
        double Y(double rate) => Size - Margin - ((Math.Log10(Math.Max(rate, Math.Pow(10, minExp))) - minExp) / -minExp * (Size - (2 * Margin)));
        string P(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Size}\" height=\"{Size}\" viewBox=\"0 0 {Size} {Size}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Margin}\" y=\"{Margin}\" width=\"{Size - (2 * Margin)}\" height=\"{Size - (2 * Margin)}\" fill=\"none\" stroke=\"#999\"/>\n");
        for (var e = (int)minExp; e <= 0; e++)
        {
            var v = Math.Pow(10, e);
            var label = e == 0 ? "1" : $"1e{e}";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{P(X(v))}\" y=\"{Size - Margin + 15}\" text-anchor=\"middle\">{label}</text><text x=\"{Margin - 5}\" y=\"{P(Y(v) + 4)}\" text-anchor=\"end\">{label}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Size / 2}\" y=\"{Size - 12}\" text-anchor=\"middle\">false-positive rate</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Size / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {Size / 2})\">true-positive rate</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{P(X(0))}\" y1=\"{P(Y(0))}\" x2=\"{P(X(1))}\" y2=\"{P(Y(1))}\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n");
        for (var i = 0; i < curves.Count; i++)
        {
            var (name, curve) = curves[i];
            var colour = Colours[i % Colours.Length];
            var points = string.Join(' ', curve.Points.Select(p => $"{P(X(p.Fpr))},{P(Y(p.Tpr))}"));
            var title = System.Security.SecurityElement.Escape(name) + " (AUC " + curve.Auc().ToString("0.000", CultureInfo.InvariantCulture) + ")";
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\" points=\"{points}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + 8}\" y=\"{Margin + 16 + (i * 14)}\" fill=\"{colour}\">{title}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
