using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Detection;

/// <summary>STRIP's figures on one model.</summary>
/// <param name="Overlays">Clean images superimposed on each input (N).</param>
/// <param name="TargetFrr">The false-rejection rate the boundary was chosen for, on the calibration images.</param>
/// <param name="Boundary">The entropy boundary: inputs below it are rejected as trojaned.</param>
/// <param name="Frr">False-rejection rate measured on held-out clean images.</param>
/// <param name="Far">False-acceptance rate on triggered images (trojaned inputs above the boundary), or null when no trigger was given.</param>
/// <param name="CalibrationCount">Clean images the boundary was chosen on.</param>
/// <param name="HeldOutCount">Clean images FRR was measured on.</param>
/// <param name="TriggeredCount">Triggered images FAR was measured on.</param>
/// <param name="CleanEntropyMean">Mean entropy of the held-out clean images.</param>
/// <param name="TriggeredEntropyMean">Mean entropy of the triggered images, or null.</param>
public sealed record StripResult(int Overlays, double TargetFrr, double Boundary, double Frr, double? Far, int CalibrationCount, int HeldOutCount, int TriggeredCount, double CleanEntropyMean, double? TriggeredEntropyMean);

/// <summary>
/// STRIP (Gao et al. 2019, "STRIP: A Defence Against Trojan Attacks on Deep Neural Networks"): an
/// input is superimposed on <c>N</c> clean images, <c>xⱼ' = clip(x + xⱼ)</c> (the paper's saturating
/// addition), and the mean Shannon entropy <c>−Σₖ pₖ log₂ pₖ</c> of the model's predictions on the
/// blends is taken. A trigger dominates every blend, so a trojaned input's predictions barely
/// change: low entropy. The boundary is the <c>FRR</c>-quantile of clean entropies; inputs below
/// it are rejected.
/// </summary>
public static class Strip
{
    /// <summary>The mean prediction entropy (bits) of each image superimposed on <paramref name="overlays"/> random images of <paramref name="pool"/>.</summary>
    public static double[] Entropies(IClassifier classifier, Tensor images, Tensor pool, int overlays, int seed)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(overlays);
        var (lo, hi) = (classifier.InputRange.Min, classifier.InputRange.Max);
        var n = images.Dim(0);
        var per = images.Size / Math.Max(1, n);
        var rng = new Rng(seed);
        var result = new double[n];
        var dims = images.Shape.ToArray();
        for (var i = 0; i < n; i++)
        {
            dims[0] = overlays;
            var blend = new float[overlays * per];
            var x = images.ReadOnlySpan.Slice(i * per, per);
            for (var j = 0; j < overlays; j++)
            {
                var other = pool.ReadOnlySpan.Slice(rng.NextInt(pool.Dim(0)) * per, per);
                for (var k = 0; k < per; k++)
                {
                    blend[(j * per) + k] = Math.Clamp(x[k] + other[k], lo, hi);
                }
            }

            var probabilities = Ops.Softmax(classifier.Predict(Tensor.FromArray(blend, dims)), 1).ReadOnlySpan;
            double entropy = 0;
            foreach (var p in probabilities)
            {
                entropy -= p > 0 ? p * Math.Log2(p) : 0;
            }

            result[i] = entropy / overlays;
        }

        return result;
    }

    /// <summary>
    /// The boundary for a false-rejection rate: the largest value with at most
    /// <c>floor(frr · n)</c> calibration entropies strictly below it (the lowest entropy when that is 0).
    /// </summary>
    /// <exception cref="ArgumentException">No entropies, or <paramref name="frr"/> not in [0, 1).</exception>
    public static double Boundary(IReadOnlyList<double> cleanEntropies, double frr)
    {
        ArgumentNullException.ThrowIfNull(cleanEntropies);
        if (cleanEntropies.Count == 0 || !(frr >= 0 && frr < 1))
        {
            throw new ArgumentException($"a boundary needs clean entropies and 0 ≤ FRR < 1 (got {cleanEntropies.Count} entropies, FRR {frr}).", nameof(frr));
        }

        var sorted = cleanEntropies.Order().ToArray();
        return sorted[(int)Math.Floor(frr * sorted.Length)];
    }

    /// <summary>The share of entropies strictly below the boundary (rejected).</summary>
    public static double RejectedShare(IReadOnlyList<double> entropies, double boundary)
    {
        ArgumentNullException.ThrowIfNull(entropies);
        return entropies.Count == 0 ? 0 : entropies.Count(e => e < boundary) / (double)entropies.Count;
    }

    /// <summary>
    /// Calibrates on the first half of <paramref name="clean"/> (boundary for <paramref name="targetFrr"/>),
    /// measures FRR on the second half, and FAR on the second half stamped with <paramref name="triggered"/>'s
    /// transformation when given. Overlays are drawn from the whole clean set.
    /// </summary>
    /// <param name="classifier">The model.</param>
    /// <param name="clean">Clean images (at least 4).</param>
    /// <param name="triggered">Makes triggered copies of images, or null to skip FAR.</param>
    /// <param name="overlays">N, clean images per input.</param>
    /// <param name="targetFrr">The false-rejection rate to calibrate for.</param>
    /// <param name="seed">Seed of the overlay choice.</param>
    /// <param name="maxImages">At most this many clean images are used (STRIP costs N predictions per image).</param>
    /// <exception cref="ArgumentException">Fewer than 4 clean images.</exception>
    public static StripResult Evaluate(IClassifier classifier, LabeledImages clean, Func<Tensor, Tensor>? triggered, int overlays = 20, double targetFrr = 0.01, int seed = 0, int maxImages = 1000)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(clean);
        var data = clean.Take(maxImages);
        if (data.Count < 4)
        {
            throw new ArgumentException($"{clean.Source}: STRIP needs at least 4 clean images (half calibrate, half measure); got {data.Count}.", nameof(clean));
        }

        var half = data.Count / 2;
        var calibration = data.Take(half).Images;
        var heldOut = data.Select([.. Enumerable.Range(half, data.Count - half)]).Images;
        var pool = data.Images.Detach();
        var calibrationEntropies = Entropies(classifier, calibration, pool, overlays, seed);
        var boundary = Boundary(calibrationEntropies, targetFrr);
        var heldEntropies = Entropies(classifier, heldOut, pool, overlays, seed + 1);
        double? far = null;
        double? triggeredMean = null;
        var triggeredCount = 0;
        if (triggered is not null)
        {
            var trojaned = Entropies(classifier, triggered(heldOut), pool, overlays, seed + 2);
            far = 1 - RejectedShare(trojaned, boundary);
            triggeredMean = trojaned.Average();
            triggeredCount = trojaned.Length;
        }

        return new StripResult(overlays, targetFrr, boundary, RejectedShare(heldEntropies, boundary), far, calibrationEntropies.Length, heldEntropies.Length, triggeredCount, heldEntropies.Average(), triggeredMean);
    }
}
