using Gauntlet.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Gauntlet.Poisoning.Detection;

/// <summary>Activation clustering of one class.</summary>
/// <param name="Label">The class.</param>
/// <param name="Count">Training samples labelled with it.</param>
/// <param name="SmallClusterSize">Samples in the smaller of the two clusters.</param>
/// <param name="RelativeSize">The smaller cluster's share of the class.</param>
/// <param name="Silhouette">The mean silhouette coefficient of the 2-means split (−1..1; higher is better separated).</param>
/// <param name="Flagged">Whether the smaller cluster is judged poisoned.</param>
public sealed record ClusterClass(int Label, int Count, int SmallClusterSize, double RelativeSize, double Silhouette, bool Flagged);

/// <summary>Activation clustering over a training set.</summary>
/// <param name="Dimensions">Principal components kept before clustering.</param>
/// <param name="SizeThreshold">A class is flagged when its smaller cluster's share is at most this…</param>
/// <param name="SilhouetteThreshold">…and the split's silhouette is at least this.</param>
/// <param name="Classes">Per class figures.</param>
/// <param name="Suspects">The smaller clusters of flagged classes, most clearly separated first.</param>
public sealed record ClusteringResult(int Dimensions, double SizeThreshold, double SilhouetteThreshold, IReadOnlyList<ClusterClass> Classes, IReadOnlyList<SuspectSample> Suspects);

/// <summary>
/// Activation clustering (Chen et al. 2018, "Detecting Backdoor Attacks on Deep Neural Networks by
/// Activation Clustering"): within each class, the penultimate activations are reduced to a few
/// dimensions (here PCA to 10, which the paper allows beside ICA) and split by 2-means. Poisoned
/// samples of a target class form their own small, well-separated cluster, so a class is flagged
/// when its smaller cluster is at most <c>SizeThreshold</c> of it (the paper's relative size, 0.35)
/// and the split's silhouette score reaches <c>SilhouetteThreshold</c>.
/// </summary>
public static class ActivationClustering
{
    /// <summary>Clusters every class.</summary>
    /// <param name="activations">Penultimate activations, one row per training sample.</param>
    /// <param name="labels">Training labels.</param>
    /// <param name="seed">Seed of k-means++ initialisation and of the silhouette's subsample.</param>
    /// <param name="dimensions">Principal components kept.</param>
    /// <param name="sizeThreshold">Largest relative size of a poisoned cluster.</param>
    /// <param name="silhouetteThreshold">Smallest silhouette of a poisoned split.</param>
    /// <param name="silhouetteSample">At most this many samples per class enter the silhouette (it is quadratic).</param>
    /// <exception cref="ArgumentException">Counts differ or rows differ in length.</exception>
    public static ClusteringResult Run(IReadOnlyList<float[]> activations, IReadOnlyList<int> labels, int seed, int dimensions = 10, double sizeThreshold = 0.35, double silhouetteThreshold = 0.15, int silhouetteSample = 2000)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(labels);
        SpectralSignatures.Check(activations, labels);
        var classes = new List<ClusterClass>();
        var suspects = new List<SuspectSample>();
        foreach (var label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            if (members.Length < 4)
            {
                classes.Add(new ClusterClass(label, members.Length, 0, 0, 0, false));
                continue;
            }

            var centred = ActivationStatistics.Centred([.. members.Select(i => activations[i])]);
            var reduced = centred * ActivationStatistics.PrincipalAxes(centred, dimensions);
            var rng = new Rng(seed + label);
            var (assignment, centroids) = TwoMeans(reduced, rng);
            var sizes = new[] { assignment.Count(a => a == 0), assignment.Count(a => a == 1) };
            var small = sizes[0] <= sizes[1] ? 0 : 1;
            var relative = sizes[small] / (double)members.Length;
            var silhouette = Silhouette(reduced, assignment, rng, silhouetteSample);
            var flagged = sizes[small] > 0 && relative <= sizeThreshold && silhouette >= silhouetteThreshold;
            classes.Add(new ClusterClass(label, members.Length, sizes[small], relative, silhouette, flagged));
            if (flagged)
            {
                for (var j = 0; j < members.Length; j++)
                {
                    if (assignment[j] == small)
                    {
                        // Score: how much nearer the small cluster's centre than the large one's.
                        var row = reduced.Row(j);
                        var score = (row - centroids[1 - small]).L2Norm() - (row - centroids[small]).L2Norm();
                        suspects.Add(new SuspectSample(members[j], label, score));
                    }
                }
            }
        }

        return new ClusteringResult(dimensions, sizeThreshold, silhouetteThreshold, classes, [.. suspects.OrderByDescending(s => s.Score)]);
    }

    /// <summary>
    /// 2-means (Lloyd's algorithm) from k-means++ seeds, best of 5 starts by within-cluster sum of
    /// squares; each start stops when no assignment changes or after 100 rounds.
    /// </summary>
    internal static (int[] Assignment, Vector<double>[] Centroids) TwoMeans(Matrix<double> points, Rng rng)
    {
        var n = points.RowCount;
        int[]? best = null;
        Vector<double>[]? bestCentroids = null;
        var bestInertia = double.PositiveInfinity;
        for (var start = 0; start < 5; start++)
        {
            var first = points.Row(rng.NextInt(n));
            var distances = Enumerable.Range(0, n).Select(i => (points.Row(i) - first).L2Norm()).Select(d => d * d).ToArray();
            var total = distances.Sum();
            var pick = rng.NextDouble() * total;
            var second = n - 1;
            for (var i = 0; i < n && total > 0; i++)
            {
                pick -= distances[i];
                if (pick <= 0)
                {
                    second = i;
                    break;
                }
            }

            var centroids = new[] { first, points.Row(second) };
            var assignment = new int[n];
            for (var round = 0; round < 100; round++)
            {
                var changed = false;
                for (var i = 0; i < n; i++)
                {
                    var row = points.Row(i);
                    var a = (row - centroids[0]).L2Norm() <= (row - centroids[1]).L2Norm() ? 0 : 1;
                    changed |= a != assignment[i] || round == 0;
                    assignment[i] = a;
                }

                if (!changed)
                {
                    break;
                }

                for (var c = 0; c < 2; c++)
                {
                    var members = Enumerable.Range(0, n).Where(i => assignment[i] == c).ToList();
                    if (members.Count > 0)
                    {
                        centroids[c] = members.Select(points.Row).Aggregate((x, y) => x + y) / members.Count;
                    }
                }
            }

            var inertia = Enumerable.Range(0, n).Sum(i => Math.Pow((points.Row(i) - centroids[assignment[i]]).L2Norm(), 2));
            if (inertia < bestInertia)
            {
                (bestInertia, best, bestCentroids) = (inertia, assignment, centroids);
            }
        }

        return (best!, bestCentroids!);
    }

    /// <summary>
    /// The mean silhouette coefficient <c>(b − a)/max(a, b)</c> over up to <paramref name="sample"/>
    /// points drawn without replacement, <c>a</c> the mean distance to the point's own cluster and
    /// <c>b</c> to the other; 0 when a cluster is empty.
    /// </summary>
    internal static double Silhouette(Matrix<double> points, int[] assignment, Rng rng, int sample)
    {
        var n = points.RowCount;
        var chosen = n <= sample ? Enumerable.Range(0, n).ToArray() : rng.Permutation(n).Take(sample).ToArray();
        if (chosen.Select(i => assignment[i]).Distinct().Count() < 2)
        {
            return 0;
        }

        var rows = chosen.Select(i => points.Row(i).ToArray()).ToArray();
        double sum = 0;
        for (var i = 0; i < chosen.Length; i++)
        {
            double[] distance = [0, 0];
            int[] count = [0, 0];
            for (var j = 0; j < chosen.Length; j++)
            {
                if (i == j)
                {
                    continue;
                }

                var c = assignment[chosen[j]];
                distance[c] += Distance(rows[i], rows[j]);
                count[c]++;
            }

            var own = assignment[chosen[i]];
            if (count[own] == 0)
            {
                continue;
            }

            var a = distance[own] / count[own];
            var b = distance[1 - own] / Math.Max(1, count[1 - own]);
            sum += Math.Max(a, b) > 0 ? (b - a) / Math.Max(a, b) : 0;
        }

        return sum / chosen.Length;
    }

    private static double Distance(double[] x, double[] y)
    {
        double sum = 0;
        for (var k = 0; k < x.Length; k++)
        {
            var d = x[k] - y[k];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
