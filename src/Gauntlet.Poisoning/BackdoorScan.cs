using System.Diagnostics;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Poisoning.Detection;
using Gauntlet.Poisoning.Triggers;

namespace Gauntlet.Poisoning;

/// <summary>
/// The whole backdoor check of <c>gauntlet backdoor</c> and the audit's poisoning module: Neural
/// Cleanse on a small clean set (model-only), STRIP (input-time), and, when the training set and
/// the penultimate layer are available, activation clustering and spectral signatures.
/// </summary>
public static class BackdoorScan
{
    /// <summary>Runs the detectors.</summary>
    /// <param name="classifier">The model.</param>
    /// <param name="clean">Clean images with labels (at least two classes).</param>
    /// <param name="train">The training set, or null.</param>
    /// <param name="penultimate">The model's penultimate layer, or null when it cannot be read (then the training-data detectors are skipped).</param>
    /// <param name="options">Settings.</param>
    /// <param name="progress">Receives a line per stage.</param>
    /// <exception cref="ArgumentException">The clean set does not fit the model or has fewer than two classes.</exception>
    public static BackdoorScanResult Run(IClassifier classifier, LabeledImages clean, LabeledImages? train, PenultimateLayer? penultimate, BackdoorScanOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        NeuralCleanse.CheckFits(classifier, clean);
        var subset = clean.Take(options.CleanSamples);
        NeuralCleanse.CheckFits(classifier, subset);
        progress?.Report("neural cleanse");
        var nc = NeuralCleanse.Run(classifier, subset, options.NeuralCleanse with { Seed = options.Seed }, new Progress<int>(t => progress?.Report($"neural cleanse: class {t} done")));
        var flagged = nc.Flagged;
        var recovered = flagged.Count == 0 ? null : nc.Triggers[flagged.OrderByDescending(t => nc.Outliers.Indices[t]).First()];

        progress?.Report("strip");
        ITrigger? stripTrigger = options.KnownTrigger ?? (recovered is null ? null : new MaskTrigger(recovered.Mask, recovered.Pattern));
        var strip = Strip.Evaluate(classifier, clean, stripTrigger is null ? null : x => stripTrigger.ApplyToAll(x), options.StripOverlays, options.StripFrr, options.Seed, options.StripSamples);
        double? knownSuccess = options.KnownTrigger is { } known && options.KnownTarget is { } knownTarget
            ? NeuralCleanse.SuccessRate(classifier, subset, known, knownTarget)
            : null;

        ClusteringResult? clustering = null;
        SpectralResult? spectral = null;
        string? skipped = null;
        if (train is null)
        {
            skipped = "no training set was given (--train)";
        }
        else if (penultimate is null)
        {
            skipped = "the model's penultimate layer cannot be read (a Gauntlet model must be a Sequential ending in a Linear layer; an ONNX graph must have a Gemm or MatMul layer)";
        }
        else
        {
            progress?.Report("activations of the training set");
            var activations = penultimate.Activations(train);
            progress?.Report("activation clustering");
            clustering = ActivationClustering.Run(activations, train.Labels, options.Seed);
            progress?.Report("spectral signatures");
            spectral = SpectralSignatures.Run(activations, train.Labels, options.SpectralEpsilon);
        }

        var verdict = flagged.Count > 0 ? "backdoored"
            : clustering?.Classes.Any(c => c.Flagged) == true ? "suspicious"
            : "no_backdoor_found";
        return new BackdoorScanResult
        {
            Verdict = verdict,
            SuspectedTargets = flagged,
            NeuralCleanse = nc,
            RecoveredTrigger = recovered,
            Strip = strip,
            StripTrigger = options.KnownTrigger is not null ? "known" : recovered is not null ? "recovered" : "none",
            KnownTriggerSuccessRate = knownSuccess,
            ActivationClustering = clustering,
            SpectralSignatures = spectral,
            TrainingDetectorsSkipped = skipped,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }
}
