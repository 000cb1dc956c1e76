using Gauntlet.Attacks.Registry;
using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.Tabular;

/// <summary>
/// An attack on table rows that keeps every record valid under a <see cref="TabularSchema"/>
/// (immutable features frozen, bounds clipped, integer steps rounded, categorical codes and
/// one-hot groups kept valid, monotone features on their side). Without a schema every column is
/// free. Records may have any sample shape holding F values (Gauntlet carries rows as <c>[N, 1, 1, F]</c>).
/// </summary>
public abstract class TabularAttack : EvasionAttack
{
    /// <summary>Creates the attack.</summary>
    /// <param name="schema">The constraints, or null for none.</param>
    protected TabularAttack(TabularSchema? schema) => Schema = schema;

    /// <summary>The constraints every adversarial record satisfies, or null (every column free).</summary>
    public TabularSchema? Schema { get; }

    /// <inheritdoc />
    public override Norm Norm => Norm.L2;

    /// <summary>The same attack under <paramref name="schema"/>.</summary>
    /// <param name="schema">The constraints.</param>
    /// <returns>A new attack.</returns>
    public abstract TabularAttack WithSchema(TabularSchema schema);

    /// <summary>The schema for <paramref name="features"/> columns (an unconstrained one when none was given).</summary>
    protected TabularSchema SchemaFor(int features)
    {
        if (Schema is { } s)
        {
            s.CheckWidth(features);
            return s;
        }

        return TabularSchema.Unconstrained([.. Enumerable.Range(0, features).Select(i => $"column {i}")]);
    }

    /// <summary>
    /// A per-feature scale (the batch's standard deviation; the schema's range or |value| when that
    /// is zero; at least 1e-6), so that steps and distances compare an income with an age.
    /// </summary>
    protected static float[] Scales(float[] x, int n, int f, TabularSchema schema)
    {
        var scale = new float[f];
        for (var j = 0; j < f; j++)
        {
            double mean = 0, sq = 0, absMax = 0;
            for (var i = 0; i < n; i++)
            {
                var v = x[(i * f) + j];
                mean += v;
                sq += (double)v * v;
                absMax = Math.Max(absMax, Math.Abs(v));
            }

            mean /= n;
            var std = Math.Sqrt(Math.Max(0, (sq / n) - (mean * mean)));
            var spec = schema.Features[j];
            var fallback = spec.Min is { } lo && spec.Max is { } hi && hi > lo ? (hi - lo) / 4.0 : Math.Max(absMax, 1.0);
            scale[j] = (float)Math.Max(1e-6, std > 0 ? std : fallback);
        }

        return scale;
    }

    /// <summary>Predicted classes for <paramref name="records"/> ([rows, F] values reshaped to the batch's sample shape).</summary>
    protected static int[] Predict(IClassifier classifier, float[] records, int rows, int[] sampleShape) =>
        Ops.ArgMax(classifier.Predict(Tensor.FromArray(records, [rows, .. sampleShape])), 1);

    /// <summary>Scaled L2 distance between two records.</summary>
    protected static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float[] scale)
    {
        double s = 0;
        for (var j = 0; j < a.Length; j++)
        {
            var d = (a[j] - b[j]) / scale[j];
            s += d * d;
        }

        return Math.Sqrt(s);
    }
}

/// <summary>
/// LowProFool (Ballet et al. 2019) with constraints: a gradient attack for differentiable tabular
/// models that minimises the true class's log-probability (or maximises the target's) plus
/// λ·‖v ⊙ r‖², where r is the perturbation in units of each feature's scale and v the features'
/// importance (their absolute Pearson correlation with the labels over the batch, normalised), so
/// that important — and so more noticeable — features move least. After every step the record is
/// projected onto the schema; each sample stops at its first valid adversarial record.
/// </summary>
public sealed class LowProFool : TabularAttack
{
    /// <summary>The registry entry: <c>lowprofool</c>, white-box, minimum-perturbation, tables only.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "lowprofool",
        Kind = AttackKind.WhiteBox,
        Norms = [Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Steps(200, "gradient steps"), AttackParameter.StepSize("step in feature-scale units", 0.05)],
        CostRank = 32,
        Description = "Tables: importance-weighted gradient steps, every record projected onto --schema (immutable, bounds, integer steps, categories, one-hot groups); minimum-perturbation, no ε budget.",
        Citation = "Ballet et al. 2019",
        Factory = s => new LowProFool(s.Steps, s.StepSize),
    };

    /// <summary>Creates the attack.</summary>
    /// <param name="steps">Gradient steps (≥ 1).</param>
    /// <param name="stepSize">Step length in feature-scale units (> 0).</param>
    /// <param name="lambda">Weight of the importance-weighted perturbation penalty (≥ 0).</param>
    /// <param name="schema">The constraints, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public LowProFool(int steps = 200, float stepSize = 0.05f, float lambda = 0.5f, TabularSchema? schema = null)
        : base(schema)
    {
        if (steps < 1 || !(stepSize > 0f) || !(lambda >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(steps), $"LowProFool: steps {steps}, step size {stepSize}, lambda {lambda}; expected ≥ 1, > 0, ≥ 0.");
        }

        Steps = steps;
        StepSize = stepSize;
        Lambda = lambda;
    }

    /// <summary>Gradient steps.</summary>
    public int Steps { get; }

    /// <summary>Step length in feature-scale units.</summary>
    public float StepSize { get; }

    /// <summary>Penalty weight.</summary>
    public float Lambda { get; }

    /// <inheritdoc />
    public override string Name => "lowprofool";

    /// <inheritdoc />
    public override TabularAttack WithSchema(TabularSchema schema) => new LowProFool(Steps, StepSize, Lambda, schema);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        if (!classifier.HasGradients)
        {
            throw new InvalidOperationException("lowprofool needs input gradients; the model exposes none (use tabular-boundary).");
        }

        var n = x.Dim(0);
        var f = x.Size / Math.Max(1, n);
        var shape = x.Shape.ToArray()[1..];
        var schema = SchemaFor(f);
        var clean = x.ToArray();
        var scale = Scales(clean, n, f, schema);
        var importance = Importance(clean, goal.Labels, n, f);
        var current = (float[])clean.Clone();
        var done = new bool[n];
        var predictions = Predict(classifier, current, n, shape);
        for (var i = 0; i < n; i++)
        {
            done[i] = goal.IsMet(i, predictions[i]);
        }

        var sign = goal.IsTargeted ? -1f : 1f;
        for (var step = 0; step < Steps && done.Any(d => !d); step++)
        {
            var (gradient, _) = classifier.LossGradient(Tensor.FromArray(current, [n, .. shape]), goal.LossLabels, static (logits, labels) => Losses.CrossEntropy(logits, labels, Reduction.Sum));
            var g = gradient.ToArray();
            for (var i = 0; i < n; i++)
            {
                if (done[i])
                {
                    continue;
                }

                // Ascend the loss (descend for a target) in scaled units, normalised per sample.
                double norm = 0;
                for (var j = 0; j < f; j++)
                {
                    var v = g[(i * f) + j] * scale[j];
                    norm += v * v;
                }

                norm = Math.Sqrt(norm);
                var next = new float[f];
                for (var j = 0; j < f; j++)
                {
                    var r = (current[(i * f) + j] - clean[(i * f) + j]) / scale[j];
                    var ascent = norm > 0 ? sign * g[(i * f) + j] * scale[j] / (float)norm : 0f;
                    r += (StepSize * ascent) - (StepSize * Lambda * importance[j] * importance[j] * r);
                    next[j] = clean[(i * f) + j] + (r * scale[j]);
                }

                schema.Project(next, clean.AsSpan(i * f, f));
                next.CopyTo(current, i * f);
            }

            predictions = Predict(classifier, current, n, shape);
            for (var i = 0; i < n; i++)
            {
                done[i] |= goal.IsMet(i, predictions[i]);
            }
        }

        // Samples never broken keep their clean record (a valid record, not a half-way point).
        for (var i = 0; i < n; i++)
        {
            if (!done[i])
            {
                Array.Copy(clean, i * f, current, i * f, f);
            }
        }

        return Tensor.FromArray(current, x.Shape.ToArray());
    }

    // |Pearson correlation| of each feature with the labels over the batch, scaled to max 1 (1 everywhere when undefined).
    private static float[] Importance(float[] x, int[] labels, int n, int f)
    {
        var result = new float[f];
        var meanY = labels.Average();
        double varY = labels.Sum(l => (l - meanY) * (l - meanY));
        for (var j = 0; j < f; j++)
        {
            double mean = 0;
            for (var i = 0; i < n; i++)
            {
                mean += x[(i * f) + j];
            }

            mean /= n;
            double cov = 0, varX = 0;
            for (var i = 0; i < n; i++)
            {
                var d = x[(i * f) + j] - mean;
                cov += d * (labels[i] - meanY);
                varX += d * d;
            }

            result[j] = varX > 0 && varY > 0 ? (float)Math.Abs(cov / Math.Sqrt(varX * varY)) : 0f;
        }

        var max = result.Max();
        return max > 0 ? [.. result.Select(v => v / max)] : [.. result.Select(_ => 1f)];
    }
}

/// <summary>
/// A decision-based boundary attack with constraints for models without gradients (tree
/// ensembles): it starts from the nearest valid record the model already classifies as wanted
/// (another row of the batch, projected onto the schema with the sample's immutable features, or
/// a random valid record), binary-searches the segment towards the original (each point
/// projected), then walks along the boundary with random projected steps that keep the record
/// adversarial and bring it closer (Brendel et al. 2018; the binary search as in HopSkipJump).
/// Every returned record satisfies the schema.
/// </summary>
public sealed class TabularBoundary : TabularAttack
{
    /// <summary>The registry entry: <c>tabular-boundary</c>, decision-based, tables only.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "tabular-boundary",
        Kind = AttackKind.DecisionBased,
        Norms = [Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.MaxQueries(500)],
        CostRank = 13,
        Description = "Tables, label-only: start from a valid record of the wanted class, binary-search towards the original and walk the boundary with steps projected onto --schema; for tree models. Minimum-perturbation, no ε budget.",
        Citation = "Brendel et al. 2018; Chen et al. 2020",
        Factory = s => new TabularBoundary(s.MaxQueries),
    };

    /// <summary>Creates the attack.</summary>
    /// <param name="maxQueries">Model queries per sample (≥ 3).</param>
    /// <param name="schema">The constraints, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The budget is below 3.</exception>
    public TabularBoundary(int maxQueries = 500, TabularSchema? schema = null)
        : base(schema)
    {
        if (maxQueries < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQueries), $"tabular-boundary: max queries {maxQueries}; expected ≥ 3.");
        }

        MaxQueries = maxQueries;
    }

    /// <summary>Model queries per sample.</summary>
    public int MaxQueries { get; }

    /// <inheritdoc />
    public override string Name => "tabular-boundary";

    /// <inheritdoc />
    public override TabularAttack WithSchema(TabularSchema schema) => new TabularBoundary(MaxQueries, schema);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng)
    {
        var n = x.Dim(0);
        var f = x.Size / Math.Max(1, n);
        var shape = x.Shape.ToArray()[1..];
        var schema = SchemaFor(f);
        var clean = x.ToArray();
        var scale = Scales(clean, n, f, schema);
        var result = (float[])clean.Clone();
        var random = new Random(rng.NextInt(int.MaxValue));
        for (var i = 0; i < n; i++)
        {
            var original = clean.AsSpan(i * f, f).ToArray();
            var queries = 0;
            bool Adversarial(float[] record)
            {
                queries++;
                return goal.IsMet(i, Predict(classifier, record, 1, shape)[0]);
            }

            if (Adversarial(original))
            {
                continue;
            }

            // Start: the other rows, projected with this sample's immutable features, nearest first.
            float[]? best = null;
            foreach (var k in Enumerable.Range(0, n).Where(k => k != i).OrderBy(k => Distance(clean.AsSpan(k * f, f), original, scale)))
            {
                if (queries >= MaxQueries / 4)
                {
                    break;
                }

                var candidate = clean.AsSpan(k * f, f).ToArray();
                schema.Project(candidate, original);
                if (Adversarial(candidate))
                {
                    best = candidate;
                    break;
                }
            }

            // Else random valid records at growing distances.
            for (var radius = 1.0; best is null && queries < MaxQueries / 2; radius *= 1.5)
            {
                var candidate = new float[f];
                for (var j = 0; j < f; j++)
                {
                    candidate[j] = original[j] + (float)(Gaussian(random) * radius * scale[j]);
                }

                schema.Project(candidate, original);
                best = Adversarial(candidate) ? candidate : null;
            }

            if (best is null)
            {
                continue;
            }

            // Binary search on the segment original → best, every point projected.
            best = BinarySearch(original, best, schema, Adversarial, 12);

            // Boundary walk: a random scaled step around the current point plus a step towards the original.
            // Bounded by tries as well as queries: a projected step that is not closer costs no query.
            var stepSize = 0.5;
            for (var tries = 0; queries < MaxQueries && tries < 4 * MaxQueries; tries++)
            {
                var distance = Distance(best, original, scale);
                if (distance == 0)
                {
                    break;
                }

                var candidate = new float[f];
                for (var j = 0; j < f; j++)
                {
                    var towards = (float)((original[j] - best[j]) * stepSize);
                    candidate[j] = best[j] + towards + (float)(Gaussian(random) * stepSize * distance * scale[j] / Math.Sqrt(f));
                }

                schema.Project(candidate, original);
                if (Distance(candidate, original, scale) < distance && Adversarial(candidate))
                {
                    best = candidate;
                    stepSize = Math.Min(0.9, stepSize * 1.5);
                }
                else
                {
                    stepSize = Math.Max(0.01, stepSize * 0.7);
                }
            }

            best.CopyTo(result, i * f);
        }

        return Tensor.FromArray(result, x.Shape.ToArray());
    }

    private static float[] BinarySearch(float[] original, float[] adversarial, TabularSchema schema, Func<float[], bool> isAdversarial, int steps)
    {
        double lo = 0, hi = 1;
        var best = adversarial;
        for (var s = 0; s < steps; s++)
        {
            var mid = (lo + hi) / 2;
            var point = new float[original.Length];
            for (var j = 0; j < point.Length; j++)
            {
                point[j] = (float)(original[j] + (mid * (adversarial[j] - original[j])));
            }

            schema.Project(point, original);
            if (isAdversarial(point))
            {
                hi = mid;
                best = point;
            }
            else
            {
                lo = mid;
            }
        }

        return best;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
