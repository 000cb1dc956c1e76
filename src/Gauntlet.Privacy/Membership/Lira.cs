using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Membership;

/// <summary>Settings for <see cref="Lira.Run"/>.</summary>
/// <param name="ShadowCount">K, the number of shadow models (at least 2; even is best, so each candidate is IN for exactly K/2).</param>
/// <param name="Architecture">The <see cref="ModelZoo"/> architecture of the shadow models.</param>
/// <param name="Training">How each shadow model is trained (its <see cref="TrainingOptions.Seed"/> is replaced per model).</param>
/// <param name="Seed">Seed of the IN/OUT split and of every shadow model's initialisation and shuffling.</param>
/// <param name="PerExampleVariance">Fit a variance per candidate; false (the default, Carlini et al.'s advice below 64 shadows) uses one global variance for IN and one for OUT.</param>
public sealed record LiraOptions(
    int ShadowCount = 8,
    string Architecture = "mlp",
    TrainingOptions? Training = null,
    int Seed = 0,
    bool PerExampleVariance = false);

/// <summary>The two variants of one LiRA run, which share the same shadow models.</summary>
/// <param name="Offline">Scores from the OUT fits alone.</param>
/// <param name="Online">Scores from the IN and OUT fits.</param>
public sealed record LiraResult(MembershipResult Offline, MembershipResult Online);

/// <summary>
/// The likelihood-ratio attack of Carlini et al. (2022, "Membership Inference Attacks From First
/// Principles"): per candidate, fit Gaussians to its logit-scaled confidence
/// (<see cref="ExampleStatistics.LogitScaledConfidence"/>) on shadow models trained with it (IN)
/// and without it (OUT), and test the target's value against them.
/// </summary>
/// <remarks>
/// <para>The shadow pool is the shadow data followed by every candidate (members and non-members:
/// the attacker holds the candidates, not their membership). Each candidate and each shadow
/// image is put IN exactly ⌊K/2⌋ of the K shadow models, chosen by a seeded random ranking
/// (Carlini et al.'s split), so every shadow model trains on about half the pool.</para>
/// <para>Offline score: <c>(φ − μ_out) / σ_out</c>, the one-sided test that the target's φ is
/// higher than a model that never saw the candidate would give. Online score: the log likelihood
/// ratio <c>log N(φ; μ_in, σ_in²) − log N(φ; μ_out, σ_out²)</c>. μ is the candidate's mean over its
/// IN (or OUT) models; σ is the population standard deviation of all IN (or all OUT) values over
/// every candidate, or of the candidate's own values with <see cref="LiraOptions.PerExampleVariance"/>.
/// A σ of 0 is raised to 1e-6 so a degenerate fit never divides by zero.</para>
/// </remarks>
public static class Lira
{
    /// <summary>The offline variant's name.</summary>
    public const string OfflineName = "lira-offline";

    /// <summary>The online variant's name.</summary>
    public const string OnlineName = "lira-online";

    private const double MinSigma = 1e-6;

    /// <summary>Trains the shadow models and scores the candidates both ways.</summary>
    /// <param name="target">The model under attack.</param>
    /// <param name="data">The candidates.</param>
    /// <param name="shadowData">Data from the target's distribution, disjoint from its training set as far as the attacker knows.</param>
    /// <param name="options">Shadow count, architecture, training and seed.</param>
    /// <param name="batchSize">Batch size for queries.</param>
    /// <param name="cancellationToken">Stops between shadow models' batches.</param>
    /// <exception cref="ArgumentException">Fewer than 2 shadow models, or shadow data of another shape or class count than the candidates.</exception>
    public static LiraResult Run(IClassifier target, MembershipData data, LabeledImages shadowData, LiraOptions options, int batchSize = 256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shadowData);
        ArgumentNullException.ThrowIfNull(options);
        var k = options.ShadowCount;
        if (k < 2)
        {
            throw new ArgumentException($"LiRA needs at least 2 shadow models (one IN and one OUT per candidate); got {k}.", nameof(options));
        }

        var shape = data.Members.Images.Shape.Dims[1..].ToArray();
        if (!shadowData.Images.Shape.Dims[1..].ToArray().SequenceEqual(shape) || shadowData.ClassCount != data.Members.ClassCount)
        {
            throw new ArgumentException($"shadow data are images of shape [{string.Join(", ", shadowData.Images.Shape.Dims[1..].ToArray())}] with {shadowData.ClassCount} classes; the candidates are [{string.Join(", ", shape)}] with {data.Members.ClassCount}.", nameof(shadowData));
        }

        var classes = data.Members.ClassCount;
        var candidates = new LabeledImages(
            Ops.Concat([data.Members.Images.Detach(), data.NonMembers.Images.Detach()], 0),
            [.. data.Members.Labels, .. data.NonMembers.Labels],
            classes,
            "candidates");
        var pool = new LabeledImages(
            Ops.Concat([shadowData.Images.Detach(), candidates.Images], 0),
            [.. shadowData.Labels, .. candidates.Labels],
            classes,
            "shadow pool");
        var inside = SplitInOut(pool.Count, k, new Rng(options.Seed));

        // φ of every candidate under every shadow model: [model][candidate].
        var phi = new double[k][];
        var training = options.Training ?? new TrainingOptions();
        for (var m = 0; m < k; m++)
        {
            var modelSeed = options.Seed + 1 + m;
            var network = ModelZoo.Create(options.Architecture, shape[0], shape[1], shape[2], classes, modelSeed);
            var subset = pool.Select([.. Enumerable.Range(0, pool.Count).Where(i => inside[m, i])]);
            Trainer.Fit(network, subset, null, training with { Seed = modelSeed }, cancellationToken: cancellationToken);
            var shadow = new ModuleClassifier(network, new Shape(shape), classes);
            phi[m] = ExampleStatistics.LogitScaledConfidence(shadow, candidates, batchSize);
        }

        var targetPhi = ExampleStatistics.LogitScaledConfidence(target, candidates, batchSize);
        var offset = shadowData.Count;
        var n = candidates.Count;
        var (muIn, sdIn) = Fit(phi, n, (m, c) => inside[m, offset + c], options.PerExampleVariance);
        var (muOut, sdOut) = Fit(phi, n, (m, c) => !inside[m, offset + c], options.PerExampleVariance);
        var offline = new double[n];
        var online = new double[n];
        for (var c = 0; c < n; c++)
        {
            var x = targetPhi[c];
            offline[c] = (x - muOut[c]) / sdOut[c];
            online[c] = LogNormal(x, muIn[c], sdIn[c]) - LogNormal(x, muOut[c], sdOut[c]);
        }

        var members = data.Members.Count;
        var parameters = new Dictionary<string, object>
        {
            ["shadows"] = k,
            ["architecture"] = options.Architecture,
            ["epochs"] = training.Epochs,
            ["learning_rate"] = training.LearningRate,
            ["batch_size"] = training.BatchSize,
            ["shadow_data"] = shadowData.Count,
            ["per_example_variance"] = options.PerExampleVariance,
            ["seed"] = options.Seed,
        };
        return new LiraResult(
            new MembershipResult(OfflineName, parameters, offline[..members], offline[members..]),
            new MembershipResult(OnlineName, parameters, online[..members], online[members..]));
    }

    /// <summary>
    /// inside[m, i]: whether pool item i trains shadow model m. Each item ranks the K models by a
    /// random key and is IN for the first ⌊K/2⌋.
    /// </summary>
    internal static bool[,] SplitInOut(int count, int k, Rng rng)
    {
        var inside = new bool[k, count];
        var keys = new double[k];
        var order = new int[k];
        for (var i = 0; i < count; i++)
        {
            for (var m = 0; m < k; m++)
            {
                keys[m] = rng.NextDouble();
                order[m] = m;
            }

            Array.Sort((double[])keys.Clone(), order);
            for (var r = 0; r < k / 2; r++)
            {
                inside[order[r], i] = true;
            }
        }

        return inside;
    }

    private static (double[] Mean, double[] Sigma) Fit(double[][] phi, int n, Func<int, int, bool> take, bool perExample)
    {
        var mean = new double[n];
        var sigma = new double[n];
        var all = new List<double>();
        for (var c = 0; c < n; c++)
        {
            var values = Enumerable.Range(0, phi.Length).Where(m => take(m, c)).Select(m => phi[m][c]).ToArray();
            mean[c] = values.Average();
            sigma[c] = StdDev(values);
            all.AddRange(values);
        }

        if (!perExample)
        {
            Array.Fill(sigma, StdDev([.. all]));
        }

        for (var c = 0; c < n; c++)
        {
            sigma[c] = Math.Max(sigma[c], MinSigma);
        }

        return (mean, sigma);
    }

    private static double StdDev(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
    }

    private static double LogNormal(double x, double mu, double sigma)
    {
        var z = (x - mu) / sigma;
        return (-0.5 * z * z) - Math.Log(sigma) - (0.5 * Math.Log(2 * Math.PI));
    }
}
