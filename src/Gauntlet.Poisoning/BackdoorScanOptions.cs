using Gauntlet.Poisoning.Detection;
using Gauntlet.Poisoning.Triggers;

namespace Gauntlet.Poisoning;

/// <summary>Settings of a <see cref="BackdoorScan"/>.</summary>
public sealed record BackdoorScanOptions
{
    /// <summary>Neural Cleanse's settings (its seed is replaced by <see cref="Seed"/>).</summary>
    public NeuralCleanseOptions NeuralCleanse { get; init; } = new();

    /// <summary>Clean images Neural Cleanse optimises on and measures attack success with (the first N of the clean set).</summary>
    public int CleanSamples { get; init; } = 1000;

    /// <summary>STRIP's overlays per input.</summary>
    public int StripOverlays { get; init; } = 20;

    /// <summary>The false-rejection rate STRIP's boundary is chosen for.</summary>
    public double StripFrr { get; init; } = 0.01;

    /// <summary>Clean images STRIP uses (half calibrate, half measure).</summary>
    public int StripSamples { get; init; } = 1000;

    /// <summary>Spectral signatures' ε: the assumed upper bound on the poisoned share of a class.</summary>
    public double SpectralEpsilon { get; init; } = 0.05;

    /// <summary>
    /// A trigger known to the tester (from <c>gauntlet poison</c>'s manifest): STRIP's false-acceptance
    /// rate is measured with it, and its attack success rate reported; null to use only what Neural
    /// Cleanse recovers.
    /// </summary>
    public ITrigger? KnownTrigger { get; init; }

    /// <summary>The class <see cref="KnownTrigger"/> sends images to, for its attack success rate; null when unknown.</summary>
    public int? KnownTarget { get; init; }

    /// <summary>The seed of every random choice.</summary>
    public int Seed { get; init; }
}
