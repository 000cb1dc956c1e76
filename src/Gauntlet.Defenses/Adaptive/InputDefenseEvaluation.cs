namespace Gauntlet.Defenses.Adaptive;

/// <summary>What <see cref="AdaptiveEvaluation.Evaluate"/> measured for one input defense.</summary>
/// <param name="Defense">The defense's name.</param>
/// <param name="Settings">Its settings, in words.</param>
/// <param name="Randomized">Whether it draws randomness (EOT applied).</param>
/// <param name="Differentiable">Whether its exact derivative is useful (false: BPDA is the honest attack).</param>
/// <param name="EotSamples">Draws per adaptive gradient.</param>
/// <param name="CleanUndefended">Clean accuracy without the defense.</param>
/// <param name="CleanDefended">Clean accuracy with it.</param>
/// <param name="InferenceOverhead">Time of a defended prediction over an undefended one, on the clean samples.</param>
/// <param name="Threats">Robust accuracy per threat and ε.</param>
/// <param name="Attacks">The attacks run, in order (each only on points the earlier ones failed on).</param>
/// <param name="Seconds">Wall time of the evaluation.</param>
public sealed record InputDefenseEvaluation(
    string Defense,
    string Settings,
    bool Randomized,
    bool Differentiable,
    int EotSamples,
    double CleanUndefended,
    double CleanDefended,
    double InferenceOverhead,
    IReadOnlyList<ThreatResult> Threats,
    IReadOnlyList<string> Attacks,
    double Seconds);
