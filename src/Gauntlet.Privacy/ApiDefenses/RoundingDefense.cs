using System.Globalization;
using Gauntlet.Models;

namespace Gauntlet.Privacy.ApiDefenses;

/// <summary>
/// Answers probabilities rounded to a number of decimals (ART's <c>Rounded</c> postprocessor;
/// Tramèr et al. 2016 measured it against extraction): <c>p′ⱼ = round(pⱼ, d)</c>, half away from
/// zero. Classes below half a unit of the last decimal are answered as 0 probability.
/// </summary>
public sealed class RoundingDefense : OutputDefense
{
    /// <summary>Wraps <paramref name="model"/>, rounding to <paramref name="decimals"/> decimals.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decimals"/> is outside 0 … 15.</exception>
    public RoundingDefense(IClassifier model, int decimals)
        : base(model)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decimals, 15);
        Decimals = decimals;
    }

    /// <summary>Decimals kept.</summary>
    public int Decimals { get; }

    /// <inheritdoc />
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"round:{Decimals}");

    /// <inheritdoc />
    protected override void Transform(Span<double> probabilities)
    {
        for (var j = 0; j < probabilities.Length; j++)
        {
            probabilities[j] = Math.Round(probabilities[j], Decimals, MidpointRounding.AwayFromZero);
        }
    }
}
