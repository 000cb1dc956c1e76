using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.BlackBox;

/// <summary>
/// HopSkipJump (Chen et al. 2020), L2 or L∞: a decision-based minimum-norm attack that sees only the
/// predicted label (the argmax of <see cref="IClassifier.Predict"/>). It starts from the nearest
/// other batch image whose clean prediction already meets the sample's goal (free of queries), else
/// from uniform random noise that meets it, binary-searches towards the original to the decision
/// boundary, then repeats: estimate
/// the boundary's normal by Monte-Carlo sampling of labels around the boundary point (baseline-
/// corrected mean of unit Gaussian directions for L2, of uniform box directions for L∞), step
/// along it (its sign for L∞) with a geometric step-size search (step ‖x_t − x‖/√t, halved until
/// the point is adversarial), and binary-search back to the boundary (along the segment for L2,
/// over the radius of a box around the original for L∞). Every point it keeps was queried and met the goal; each sample returns its closest
/// such point within <see cref="MaxQueries"/> queries (two of which are the base class's clean and
/// final predictions). Being a minimum-norm attack, its perturbation is not bounded; with
/// <see cref="Epsilon"/> set, a sample whose closest point lies farther than ε is returned
/// unchanged and so counts as a failure.
/// </summary>
public sealed class HopSkipJump : EvasionAttack
{
    /// <summary>The registry entry: <c>hopskipjump</c> (alias <c>hsj</c>), decision-based.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "hopskipjump",
        Aliases = ["hsj"],
        Kind = AttackKind.DecisionBased,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon("success counts only within ε (the attack itself is minimum-norm)"), AttackParameter.MaxQueries()],
        CostRank = 11,
        Description = "Labels only: walks along the decision boundary towards the clean input with estimated gradient directions; minimum-norm.",
        Citation = "Chen et al. 2020",
        Factory = s => new HopSkipJump(s.MaxQueries, s.Epsilon, s.Norm),
    };

    /// <summary>Creates the attack.</summary>
    /// <param name="maxQueries">Model queries per sample, all included (at least 10).</param>
    /// <param name="epsilon">Optional bound (in <paramref name="norm"/>) under which success is counted; null for none.</param>
    /// <param name="norm">L2 (Gaussian probes, unit-gradient steps) or L∞ (uniform probes, sign steps, box projections).</param>
    /// <param name="initialEvaluations">Monte-Carlo samples for the first gradient estimate (grows as √t).</param>
    /// <param name="maxEvaluations">Cap on Monte-Carlo samples per estimate.</param>
    /// <param name="initTrials">Random-noise draws tried per sample to find an adversarial start.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public HopSkipJump(int maxQueries = 1000, float? epsilon = null, Norm norm = Norm.L2, int initialEvaluations = 100, int maxEvaluations = 10000, int initTrials = 50)
    {
        if (maxQueries < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQueries), $"HopSkipJump: max queries {maxQueries} must be at least 10.");
        }

        if (epsilon is { } e && !(e > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"HopSkipJump: epsilon {e} must be positive when given.");
        }

        if (initialEvaluations < 1 || maxEvaluations < initialEvaluations || initTrials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(initialEvaluations), $"HopSkipJump: evaluations {initialEvaluations}..{maxEvaluations} and init trials {initTrials} must be positive and ordered.");
        }

        if (norm is not (Norm.L2 or Norm.Linf))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), $"HopSkipJump: norm {norm} is not supported; expected L2 or Linf.");
        }

        MaxQueries = maxQueries;
        Epsilon = epsilon;
        Norm = norm;
        InitialEvaluations = initialEvaluations;
        MaxEvaluations = maxEvaluations;
        InitTrials = initTrials;
    }

    /// <summary>Model queries per sample, including the base class's clean and final predictions.</summary>
    public int MaxQueries { get; }

    /// <summary>Optional bound in <see cref="Norm"/>: farther points are dropped (the clean input is returned).</summary>
    public float? Epsilon { get; }

    /// <summary>Monte-Carlo samples for the first gradient estimate.</summary>
    public int InitialEvaluations { get; }

    /// <summary>Cap on Monte-Carlo samples per gradient estimate.</summary>
    public int MaxEvaluations { get; }

    /// <summary>Random-noise draws tried per sample for the starting point.</summary>
    public int InitTrials { get; }

    /// <inheritdoc />
    public override string Name => Norm == Norm.L2 ? "hopskipjump-l2" : "hopskipjump-linf";

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng) => Generate(classifier, x, goal, rng, new long[x.Dim(0)]);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng, long[] sampleQueries)
    {
        var linf = Norm == Norm.Linf;
        var state = new State(classifier, x, goal, BlackBoxQueries.AttackBudget(MaxQueries), linf, sampleQueries);
        var n = state.N;
        var d = state.D;
        var range = classifier.InputRange;
        var theta = linf ? 1.0 / ((double)d * d) : 1.0 / Math.Pow(d, 1.5);

        // Clean predictions: samples already meeting the goal stay as they are.
        var cleanLabels = state.Labels(state.Clean, Enumerable.Range(0, n).ToArray());
        var current = new float[n * d];
        var found = new bool[n];
        var done = new bool[n];
        for (var i = 0; i < n; i++)
        {
            if (goal.IsMet(i, cleanLabels[i]))
            {
                done[i] = true;
            }
        }

        // Another batch image whose clean prediction already meets this sample's goal is a free
        // start (the nearest one is taken).
        for (var i = 0; i < n; i++)
        {
            var nearest = float.PositiveInfinity;
            for (var j = 0; j < n && !done[i]; j++)
            {
                if (j != i && goal.IsMet(i, cleanLabels[j]))
                {
                    var gap = state.Distance(state.Clean, j, i);
                    if (gap < nearest)
                    {
                        nearest = gap;
                        state.Clean.AsSpan(j * d, d).CopyTo(current.AsSpan(i * d, d));
                        found[i] = true;
                    }
                }
            }
        }

        // Uniform random noise until it meets the goal.
        for (var trial = 0; trial < InitTrials; trial++)
        {
            var owners = Enumerable.Range(0, n).Where(i => !done[i] && !found[i] && state.Remaining(i) > 0).ToArray();
            if (owners.Length == 0)
            {
                break;
            }

            var noise = new float[owners.Length * d];
            for (var j = 0; j < noise.Length; j++)
            {
                noise[j] = range.Min + ((float)rng.NextDouble() * (range.Max - range.Min));
            }

            var adversarial = state.Decide(noise, owners);
            for (var a = 0; a < owners.Length; a++)
            {
                if (adversarial[a])
                {
                    noise.AsSpan(a * d, d).CopyTo(current.AsSpan(owners[a] * d, d));
                    found[owners[a]] = true;
                }
            }
        }

        var live = Enumerable.Range(0, n).Where(i => found[i]).ToArray();
        BinarySearch(state, current, live, theta, linf);
        var best = (float[])state.Clean.Clone();
        var bestDistance = new float[n];
        Array.Fill(bestDistance, float.PositiveInfinity);
        var distance = new float[n];
        foreach (var i in live)
        {
            distance[i] = state.Distance(current, i);
            Keep(i);
        }

        for (var t = 1; ; t++)
        {
            var reserve = (int)Math.Ceiling(Math.Log2(1 / theta)) + 2;
            var planned = (int)Math.Min(InitialEvaluations * Math.Sqrt(t), MaxEvaluations);
            var evaluations = new Dictionary<int, int>();
            foreach (var i in live)
            {
                var e = Math.Min(planned, state.Remaining(i) - reserve);
                if (e >= 2 && distance[i] > 0)
                {
                    evaluations[i] = e;
                }
            }

            live = [.. evaluations.Keys];
            if (live.Length == 0)
            {
                break;
            }

            // Monte-Carlo estimate of the boundary normal at each current point.
            var total = evaluations.Values.Sum();
            var probes = new float[total * d];
            var owners = new int[total];
            var deltas = new float[n];
            var offset = 0;
            foreach (var i in live)
            {
                deltas[i] = t == 1 ? 0.1f * (range.Max - range.Min) : (float)((linf ? d : Math.Sqrt(d)) * theta * distance[i]);
                for (var e = 0; e < evaluations[i]; e++, offset++)
                {
                    owners[offset] = i;
                    var row = probes.AsSpan(offset * d, d);
                    double sq = 0;
                    for (var j = 0; j < d; j++)
                    {
                        var g = linf ? (float)((rng.NextDouble() * 2) - 1) : (float)rng.NextGaussian();
                        row[j] = g;
                        sq += (double)g * g;
                    }

                    // L2: unit Gaussian directions; L∞: uniform in the unit box.
                    var scale = linf ? deltas[i] : deltas[i] / (float)Math.Max(Math.Sqrt(sq), 1e-12);
                    for (var j = 0; j < d; j++)
                    {
                        row[j] = Math.Clamp(current[(i * d) + j] + (row[j] * scale), range.Min, range.Max);
                    }
                }
            }

            var decisions = state.Decide(probes, owners);
            var directions = new float[n * d];
            offset = 0;
            foreach (var i in live)
            {
                var count = evaluations[i];
                var mean = 0.0;
                for (var e = 0; e < count; e++)
                {
                    mean += decisions[offset + e] ? 1 : -1;
                }

                mean /= count;
                var dir = directions.AsSpan(i * d, d);
                for (var e = 0; e < count; e++, offset++)
                {
                    var phi = decisions[offset] ? 1.0 : -1.0;

                    // All agree: the plain mean of the directions (signed); otherwise baseline-corrected.
                    var weight = Math.Abs(mean) == 1.0 ? phi : phi - mean;
                    var row = probes.AsSpan(offset * d, d);
                    for (var j = 0; j < d; j++)
                    {
                        dir[j] += (float)(weight * (row[j] - current[(i * d) + j]) / deltas[i]);
                    }
                }

                var norm = BlackBoxQueries.Distance(dir, new float[d]);
                for (var j = 0; j < d; j++)
                {
                    dir[j] = linf ? MathF.Sign(dir[j]) : norm > 0 ? dir[j] / norm : 0f;
                }
            }

            // Geometric step-size search: halve until the step lands on an adversarial point.
            var steps = new float[n];
            foreach (var i in live)
            {
                steps[i] = distance[i] / (float)Math.Sqrt(t);
            }

            var pending = new List<int>(live);
            var proposal = new float[n * d];
            var moved = new bool[n];
            for (var halving = 0; halving < 30 && pending.Count > 0; halving++)
            {
                pending.RemoveAll(i => state.Remaining(i) <= 0);
                if (pending.Count == 0)
                {
                    break;
                }

                var batch = new float[pending.Count * d];
                for (var a = 0; a < pending.Count; a++)
                {
                    var i = pending[a];
                    for (var j = 0; j < d; j++)
                    {
                        batch[(a * d) + j] = Math.Clamp(current[(i * d) + j] + (steps[i] * directions[(i * d) + j]), range.Min, range.Max);
                    }
                }

                var ok = state.Decide(batch, [.. pending]);
                var next = new List<int>();
                for (var a = 0; a < pending.Count; a++)
                {
                    var i = pending[a];
                    if (ok[a])
                    {
                        batch.AsSpan(a * d, d).CopyTo(proposal.AsSpan(i * d, d));
                        moved[i] = true;
                    }
                    else
                    {
                        steps[i] /= 2;
                        next.Add(i);
                    }
                }

                pending = next;
            }

            var movers = live.Where(i => moved[i]).ToArray();
            foreach (var i in movers)
            {
                proposal.AsSpan(i * d, d).CopyTo(current.AsSpan(i * d, d));
            }

            BinarySearch(state, current, movers, theta, linf);
            foreach (var i in live)
            {
                distance[i] = state.Distance(current, i);
                Keep(i);
            }
        }

        for (var i = 0; i < n; i++)
        {
            if (!done[i] && Epsilon is { } eps && bestDistance[i] > eps)
            {
                state.Clean.AsSpan(i * d, d).CopyTo(best.AsSpan(i * d, d));
            }
        }

        return Tensor.FromArray(best, x.Shape);

        void Keep(int i)
        {
            if (distance[i] < bestDistance[i])
            {
                bestDistance[i] = distance[i];
                current.AsSpan(i * d, d).CopyTo(best.AsSpan(i * d, d));
            }
        }
    }

    /// <summary>
    /// Moves each listed point towards the original, keeping the adversarial end. L2: along the
    /// segment between them, to within <paramref name="theta"/> of the segment's length. L∞: by
    /// clipping the point into a shrinking box around the original, to within
    /// min(θ·r, θ) of the radius r it started at. All listed samples search together; a sample out
    /// of queries stops where it is.
    /// </summary>
    private static void BinarySearch(State state, float[] current, int[] samples, double theta, bool linf)
    {
        var d = state.D;
        var lows = new double[state.N];
        var highs = new double[state.N];
        var thresholds = new double[state.N];
        var endpoint = new float[state.N * d];
        foreach (var i in samples)
        {
            highs[i] = linf ? state.Distance(current, i) : 1;
            thresholds[i] = linf ? Math.Min(highs[i] * theta, theta) : theta;
            current.AsSpan(i * d, d).CopyTo(endpoint.AsSpan(i * d, d));
        }

        while (true)
        {
            var active = samples.Where(i => highs[i] - lows[i] > thresholds[i] && state.Remaining(i) > 0).ToArray();
            if (active.Length == 0)
            {
                break;
            }

            var batch = new float[active.Length * d];
            for (var a = 0; a < active.Length; a++)
            {
                var i = active[a];
                var mid = (lows[i] + highs[i]) / 2;
                if (linf)
                {
                    Box(state.Clean, endpoint, i, d, (float)mid, batch.AsSpan(a * d, d));
                }
                else
                {
                    Blend(state.Clean, endpoint, i, d, (float)mid, batch.AsSpan(a * d, d));
                }
            }

            var ok = state.Decide(batch, active);
            for (var a = 0; a < active.Length; a++)
            {
                var i = active[a];
                var mid = (lows[i] + highs[i]) / 2;
                if (ok[a])
                {
                    highs[i] = mid;
                    batch.AsSpan(a * d, d).CopyTo(current.AsSpan(i * d, d));
                }
                else
                {
                    lows[i] = mid;
                }
            }
        }
    }

    private static void Blend(float[] clean, float[] endpoint, int i, int d, float alpha, Span<float> into)
    {
        for (var j = 0; j < d; j++)
        {
            into[j] = ((1 - alpha) * clean[(i * d) + j]) + (alpha * endpoint[(i * d) + j]);
        }
    }

    private static void Box(float[] clean, float[] endpoint, int i, int d, float radius, Span<float> into)
    {
        for (var j = 0; j < d; j++)
        {
            var c = clean[(i * d) + j];
            into[j] = Math.Clamp(endpoint[(i * d) + j], c - radius, c + radius);
        }
    }

    /// <summary>Per-sample query accounting, distances in the attack's norm, and label-only decisions.</summary>
    private sealed class State(IClassifier classifier, Tensor x, AttackGoal goal, int budget, bool linf, long[] sampleQueries)
    {
        private readonly int[] _used = new int[x.Dim(0)];

        public int N { get; } = x.Dim(0);

        public int D { get; } = x.Size / Math.Max(x.Dim(0), 1);

        public float[] Clean { get; } = x.ToArray();

        public int Remaining(int i) => budget - _used[i];

        public float Distance(float[] points, int i) => Distance(points, i, i);

        public float Distance(float[] points, int row, int i)
        {
            var a = points.AsSpan(row * D, D);
            var b = Clean.AsSpan(i * D, D);
            if (!linf)
            {
                return BlackBoxQueries.Distance(a, b);
            }

            var largest = 0f;
            for (var j = 0; j < D; j++)
            {
                largest = Math.Max(largest, Math.Abs(a[j] - b[j]));
            }

            return largest;
        }

        public int[] Labels(float[] rows, int[] owners)
        {
            var k = classifier.ClassCount;
            var z = BlackBoxQueries.Logits(classifier, rows, owners.Length);
            var labels = new int[owners.Length];
            for (var a = 0; a < owners.Length; a++)
            {
                _used[owners[a]]++;
                sampleQueries[owners[a]]++;
                labels[a] = BlackBoxQueries.ArgMax(z.AsSpan(a * k, k));
            }

            return labels;
        }

        public bool[] Decide(float[] rows, int[] owners)
        {
            var labels = Labels(rows, owners);
            return [.. labels.Select((l, a) => goal.IsMet(owners[a], l))];
        }
    }
}
