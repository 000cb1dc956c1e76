using System.Diagnostics;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Certification;

/// <summary>Certifies every sample of a data set with randomized smoothing and aggregates certified accuracy.</summary>
/// <param name="Parameters">The settings used.</param>
/// <param name="Seed">The seed the noise came from.</param>
/// <param name="Samples">One row per sample, in data-set order.</param>
/// <param name="Seconds">Wall time of the whole run.</param>
public sealed record CertificationRun(SmoothingParameters Parameters, int Seed, IReadOnlyList<CertifiedSample> Samples, double Seconds)
{
    /// <summary>The share of samples CERTIFY abstained on.</summary>
    public double AbstainRate => CertifiedAccuracy.AbstainRate(Samples);

    /// <summary>The radii of the table: <see cref="CertifiedAccuracy.StandardRadii"/> up to the settings' largest certifiable radius.</summary>
    public IReadOnlyList<double> Radii => CertifiedAccuracy.StandardRadii(Parameters.MaxRadius);

    /// <summary>Certified accuracy at <paramref name="radius"/>.</summary>
    public double AccuracyAt(double radius) => CertifiedAccuracy.At(Samples, radius);

    /// <summary>
    /// Runs CERTIFY on each of <paramref name="data"/>'s samples. Sample i draws its noise from its own
    /// generator, the i-th fork of <c>new Rng(seed)</c>, so a sample's result does not depend on
    /// the batch size or on how many samples follow it.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range, or the data does not fit the classifier.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static CertificationRun Certify(
        IClassifier classifier,
        LabeledImages data,
        SmoothingParameters parameters,
        int seed,
        IProgress<CertificationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        parameters.Validate();
        var sampleShape = data.Images.Shape.Dims[1..].ToArray();
        if (!sampleShape.SequenceEqual(classifier.SampleShape.ToArray()))
        {
            throw new ArgumentException($"{data.Source}: samples are [{string.Join(", ", sampleShape)}] but the classifier takes [{string.Join(", ", classifier.SampleShape.ToArray())}].", nameof(data));
        }

        var smoothed = new SmoothedClassifier(classifier, parameters.Sigma);
        var streams = new Rng(seed);
        var size = classifier.SampleShape.Size;
        var samples = new List<CertifiedSample>(data.Count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < data.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rng = streams.Fork();
            var started = clock.Elapsed.TotalSeconds;
            var x = data.Images.ReadOnlySpan.Slice(i * size, size);
            var certificate = smoothed.Certify(x, parameters.N0, parameters.N, parameters.Alpha, parameters.BatchSize, rng);
            var sample = new CertifiedSample(i, data.Labels[i], certificate, clock.Elapsed.TotalSeconds - started);
            samples.Add(sample);
            progress?.Report(new CertificationProgress(i + 1, data.Count, sample));
        }

        return new CertificationRun(parameters, seed, samples, clock.Elapsed.TotalSeconds);
    }
}
