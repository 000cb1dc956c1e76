namespace Gauntlet.Privacy.Accounting;

/// <summary>An (ε, δ) guarantee for a number of steps of the subsampled Gaussian mechanism.</summary>
/// <param name="Epsilon">ε.</param>
/// <param name="Delta">δ.</param>
/// <param name="Order">The RDP order that gave ε (RDP accountant only).</param>
/// <param name="Accountant">The accountant's name: <c>rdp</c> or <c>prv</c>.</param>
public sealed record PrivacySpent(double Epsilon, double Delta, double? Order, string Accountant);

/// <summary>
/// Tracks the privacy spent by DP-SGD: <c>steps</c> compositions of the Poisson-subsampled
/// Gaussian mechanism with sample rate q and noise multiplier σ.
/// </summary>
public interface IPrivacyAccountant
{
    /// <summary>The name used on the command line and in logs (<c>rdp</c>, <c>prv</c>).</summary>
    string Name { get; }

    /// <summary>The ε spent at <paramref name="delta"/> after <paramref name="steps"/> steps.</summary>
    /// <exception cref="ArgumentException">q outside (0, 1], σ ≤ 0, steps &lt; 1 or δ outside (0, 1).</exception>
    PrivacySpent Spent(double sampleRate, double noiseMultiplier, long steps, double delta);
}

/// <summary>The accountants by name.</summary>
public static class PrivacyAccountants
{
    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["rdp", "prv"];

    /// <summary>The accountant called <paramref name="name"/>, with its defaults (Opacus's orders; ε error 0.01).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static IPrivacyAccountant Create(string name) => name switch
    {
        "rdp" => new RdpAccountant(),
        "prv" => new PrvAccountant(),
        _ => throw new ArgumentException($"unknown accountant '{name}'; expected rdp or prv.", nameof(name)),
    };

    /// <summary>Checks the mechanism's parameters as every accountant needs them.</summary>
    /// <exception cref="ArgumentException">q outside (0, 1], σ ≤ 0 or not finite, steps &lt; 1 or δ outside (0, 1).</exception>
    internal static void Check(double sampleRate, double noiseMultiplier, long steps, double delta)
    {
        if (!(sampleRate > 0 && sampleRate <= 1))
        {
            throw new ArgumentException($"sample rate {sampleRate}; expected a value in (0, 1].", nameof(sampleRate));
        }

        if (!(noiseMultiplier > 0) || !double.IsFinite(noiseMultiplier))
        {
            throw new ArgumentException($"noise multiplier {noiseMultiplier}; expected a positive finite value.", nameof(noiseMultiplier));
        }

        if (steps < 1)
        {
            throw new ArgumentException($"{steps} steps; expected at least 1.", nameof(steps));
        }

        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentException($"δ {delta}; expected a value in (0, 1).", nameof(delta));
        }
    }
}
