using System.Globalization;
using Gauntlet.Models;

namespace Gauntlet.Privacy.ApiDefenses;

/// <summary>The output defences by the names the command line takes: <c>round:D</c>, <c>topk:K</c>, <c>label-only</c>, <c>noise:S</c>.</summary>
public static class ApiDefense
{
    /// <summary>The accepted forms, for help texts and errors.</summary>
    public const string Forms = "round:DECIMALS (0-15), topk:K, label-only, noise:SIGMA (0-1]";

    /// <summary>Wraps <paramref name="model"/> in the defence <paramref name="spec"/> names.</summary>
    /// <param name="model">The model behind the API.</param>
    /// <param name="spec">E.g. <c>round:2</c>.</param>
    /// <param name="seed">Seed of the noise defence.</param>
    /// <exception cref="ArgumentException">The spec is not one of <see cref="Forms"/> or its number is out of range.</exception>
    public static OutputDefense Create(IClassifier model, string spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var parts = spec.Split(':', 2);
        var name = parts[0].Trim().ToLowerInvariant();
        var arg = parts.Length > 1 ? parts[1].Trim() : null;
        try
        {
            return (name, arg) switch
            {
                ("label-only", null) => new LabelOnlyDefense(model),
                ("round", { } d) when int.TryParse(d, NumberStyles.Integer, CultureInfo.InvariantCulture, out var decimals) => new RoundingDefense(model, decimals),
                ("topk", { } k) when int.TryParse(k, NumberStyles.Integer, CultureInfo.InvariantCulture, out var top) => new TopKDefense(model, top),
                ("noise", { } s) when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var sigma) => new NoiseDefense(model, sigma, seed),
                _ => throw new ArgumentException($"unknown defence '{spec}'; expected one of {Forms}.", nameof(spec)),
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"defence '{spec}': the number is out of range ({Forms}; top-k at most the {model.ClassCount} classes).", nameof(spec), ex);
        }
    }
}
