namespace Gauntlet.Poisoning.Detection;

/// <summary>Spectral signatures of one class.</summary>
/// <param name="Label">The class.</param>
/// <param name="Count">Training samples labelled with it.</param>
/// <param name="Removed">Samples with the highest scores marked for removal, <c>min(n, round(1.5·ε·n))</c>.</param>
/// <param name="ScoreThreshold">The lowest score among the removed samples.</param>
public sealed record SpectralClass(int Label, int Count, int Removed, double ScoreThreshold);

/// <summary>Spectral signatures over a training set.</summary>
/// <param name="Epsilon">The assumed poisoned share ε of a class.</param>
/// <param name="Classes">Per class figures.</param>
/// <param name="Suspects">The removed samples, highest score first.</param>
public sealed record SpectralResult(double Epsilon, IReadOnlyList<SpectralClass> Classes, IReadOnlyList<SuspectSample> Suspects);

/// <summary>
/// Spectral signatures (Tran et al. 2018, "Spectral Signatures in Backdoor Attacks"): within each
/// class, the activations are centred, the top right singular vector <c>v</c> of the centred matrix
/// is found (the top principal axis), and every sample scores <c>((rᵢ − r̄)·v)²</c>. Poisoned
/// samples leave a strong signal along <c>v</c>, so the <c>1.5·ε·n</c> highest scores of each class
/// are removed, ε being an upper bound on the poisoned share of a class.
/// </summary>
public static class SpectralSignatures
{
    /// <summary>Scores every class and lists the samples to remove.</summary>
    /// <param name="activations">Penultimate activations, one row per training sample.</param>
    /// <param name="labels">Training labels.</param>
    /// <param name="epsilon">The assumed poisoned share of a class, in (0, 1).</param>
    /// <exception cref="ArgumentException">Counts differ, rows differ in length, or ε is out of range.</exception>
    public static SpectralResult Run(IReadOnlyList<float[]> activations, IReadOnlyList<int> labels, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(labels);
        Check(activations, labels);
        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new ArgumentException($"spectral signatures: ε = {epsilon}; expected 0 < ε < 1.", nameof(epsilon));
        }

        var classes = new List<SpectralClass>();
        var suspects = new List<SuspectSample>();
        foreach (var label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            if (members.Length < 2)
            {
                classes.Add(new SpectralClass(label, members.Length, 0, double.NaN));
                continue;
            }

            var scores = Scores([.. members.Select(i => activations[i])]);
            var remove = Math.Min(members.Length, (int)Math.Round(1.5 * epsilon * members.Length));
            var ranked = Enumerable.Range(0, members.Length).OrderByDescending(j => scores[j]).Take(remove).ToList();
            suspects.AddRange(ranked.Select(j => new SuspectSample(members[j], label, scores[j])));
            classes.Add(new SpectralClass(label, members.Length, remove, remove > 0 ? scores[ranked[^1]] : double.NaN));
        }

        return new SpectralResult(epsilon, classes, [.. suspects.OrderByDescending(s => s.Score)]);
    }

    /// <summary>The outlier score <c>((rᵢ − r̄)·v)²</c> of each row, <c>v</c> the top singular vector of the centred rows.</summary>
    public static double[] Scores(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var centred = ActivationStatistics.Centred(rows);
        var v = ActivationStatistics.PrincipalAxes(centred, 1).Column(0);
        var projection = centred * v;
        return [.. projection.Select(p => p * p)];
    }

    internal static void Check(IReadOnlyList<float[]> activations, IReadOnlyList<int> labels)
    {
        if (activations.Count != labels.Count || activations.Count == 0)
        {
            throw new ArgumentException($"{activations.Count} activation rows for {labels.Count} labels; expected one row per label and at least one.", nameof(activations));
        }

        if (activations.Any(r => r.Length != activations[0].Length))
        {
            throw new ArgumentException("activation rows differ in length.", nameof(activations));
        }
    }
}
