using Gauntlet.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Gauntlet.Poisoning.Detection;

/// <summary>Activation clustering of one class.</summary>
/// <param name="Label">The class.</param>
/// <param name="Count">Training samples labelled with it.</param>
/// <param name="SmallClusterSize">Samples in the smaller of the two clusters.</param>
/// <param name="RelativeSize">The smaller cluster's share of the class.</param>
/// <param name="Silhouette">The mean silhouette coefficient of the 2-means split (−1..1; higher is better separated).</param>
/// <param name="SilhouetteAnomalyIndex">How far the silhouette lies above the median of all classes', in scaled MADs (0 when below the median or with fewer than 3 classes).</param>
/// <param name="Flagged">Whether the smaller cluster is judged poisoned.</param>
public sealed record ClusterClass(int Label, int Count, int SmallClusterSize, double RelativeSize, double Silhouette, double SilhouetteAnomalyIndex, bool Flagged);

/// <summary>Activation clustering over a training set.</summary>
/// <param name="Dimensions">Independent components kept before clustering.</param>
/// <param name="SizeThreshold">A class is flagged when its smaller cluster's share is at most this…</param>
/// <param name="SilhouetteThreshold">…its split's silhouette is at least this…</param>
/// <param name="AnomalyThreshold">…and, with at least 3 classes, its silhouette's anomaly index among the classes exceeds this.</param>
/// <param name="Classes">Per class figures.</param>
/// <param name="Suspects">The smaller clusters of flagged classes, most clearly separated first.</param>
public sealed record ClusteringResult(int Dimensions, double SizeThreshold, double SilhouetteThreshold, double AnomalyThreshold, IReadOnlyList<ClusterClass> Classes, IReadOnlyList<SuspectSample> Suspects);

/// <summary>
/// Activation clustering (Chen et al. 2018, "Detecting Backdoor Attacks on Deep Neural Networks by
/// Activation Clustering"): within each class, the penultimate activations are reduced to 10
/// independent components and split by 2-means. Poisoned samples of a target class form their own
/// small, well-separated cluster.
/// </summary>
/// <remarks>
/// <para>
/// ICA's components are the whitened principal components turned by an orthogonal matrix (FastICA
/// whitens, then rotates). Euclidean distances, and so 2-means and the silhouette, do not change
/// under a rotation, so the whitened top-10 principal components are used directly: each PCA
/// coordinate divided by its standard deviation. (Unwhitened PCA, used before, lets the one or two
/// largest-variance directions of a naturally bimodal class decide the split.)
/// </para>
/// <para>
/// The rule: a class is flagged when (1) its smaller cluster holds at most <c>sizeThreshold</c>
/// (0.35) of it, the paper's relative-size criterion; (2) the split's silhouette reaches
/// <c>silhouetteThreshold</c> (0.15), so there are two clusters at all; and (3) with 3 or more
/// classes, the split is unusually clean for this model: its silhouette's anomaly index among all
/// classes, <c>(s − median) / (1.4826 · MAD)</c> on the high side, exceeds <c>anomalyThreshold</c>
/// (2), the test Neural Cleanse applies to trigger norms. Fashion-MNIST's shirts, bags or sandals
/// split in two on their own; a fixed silhouette threshold flags them on clean models, a relative
/// one does not.
/// </para>
/// </remarks>
public static class ActivationClustering
{
    /// <summary>Clusters every class.</summary>
    /// <param name="activations">Penultimate activations, one row per training sample.</param>
    /// <param name="labels">Training labels.</param>
    /// <param name="seed">Seed of k-means++ initialisation and of the silhouette's subsample.</param>
    /// <param name="dimensions">Independent components kept.</param>
    /// <param name="sizeThreshold">Largest relative size of a poisoned cluster.</param>
    /// <param name="silhouetteThreshold">Smallest silhouette of a poisoned split.</param>
    /// <param name="silhouetteSample">At most this many samples per class enter the silhouette (it is quadratic).</param>
    /// <param name="anomalyThreshold">Smallest anomaly index of a poisoned split's silhouette among the classes (with 3 or more).</param>
    /// <exception cref="ArgumentException">Counts differ or rows differ in length.</exception>
    public static ClusteringResult Run(IReadOnlyList<float[]> activations, IReadOnlyList<int> labels, int seed, int dimensions = 10, double sizeThreshold = 0.35, double silhouetteThreshold = 0.15, int silhouetteSample = 2000, double anomalyThreshold = MadOutlier.Threshold)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(labels);
        SpectralSignatures.Check(activations, labels);
        var splits = new List<(int Label, int[] Members, int[] Assignment, int Small, Matrix<double> Reduced, Vector<double>[] Centroids, double Silhouette)>();
        var classes = new List<ClusterClass>();
        foreach (var label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            if (members.Length < 4)
            {
                classes.Add(new ClusterClass(label, members.Length, 0, 0, 0, 0, false));
                continue;
            }

            var centred = ActivationStatistics.Centred([.. members.Select(i => activations[i])]);
            var reduced = Whiten(centred * ActivationStatistics.PrincipalAxes(centred, dimensions));
            var rng = new Rng(seed + label);
            var (assignment, centroids) = TwoMeans(reduced, rng);
            var small = assignment.Count(a => a == 0) <= assignment.Count(a => a == 1) ? 0 : 1;
            splits.Add((label, members, assignment, small, reduced, centroids, Silhouette(reduced, assignment, rng, silhouetteSample)));
        }

        var silhouettes = splits.Select(x => x.Silhouette).ToArray();
        var outliers = silhouettes.Length >= 3 ? MadOutlier.Analyse(silhouettes) : null;
        var suspects = new List<SuspectSample>();
        for (var k = 0; k < splits.Count; k++)
        {
            var (label, members, assignment, small, reduced, centroids, silhouette) = splits[k];
            var size = assignment.Count(a => a == small);
            var relative = size / (double)members.Length;
            var anomaly = outliers is null || silhouette <= outliers.Median ? 0 : outliers.Indices[k];
            var flagged = size > 0 && relative <= sizeThreshold && silhouette >= silhouetteThreshold && (outliers is null || anomaly > anomalyThreshold);
            classes.Add(new ClusterClass(label, members.Length, size, relative, silhouette, anomaly, flagged));
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

        return new ClusteringResult(dimensions, sizeThreshold, silhouetteThreshold, anomalyThreshold, [.. classes.OrderBy(c => c.Label)], [.. suspects.OrderByDescending(s => s.Score)]);
    }

    // Each column divided by its standard deviation (constant columns left at 0).
    private static Matrix<double> Whiten(Matrix<double> reduced)
    {
        var n = Math.Max(1, reduced.RowCount - 1);
        for (var j = 0; j < reduced.ColumnCount; j++)
        {
            var column = reduced.Column(j);
            var sd = Math.Sqrt(column.DotProduct(column) / n);
            if (sd > 0)
            {
                reduced.SetColumn(j, column / sd);
            }
        }

        return reduced;
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
