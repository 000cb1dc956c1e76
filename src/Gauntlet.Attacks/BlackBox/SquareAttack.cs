using Gauntlet.Attacks.Registry;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.BlackBox;

/// <summary>
/// Square Attack (Andriushchenko et al. 2020): a score-based random search that uses only
/// <see cref="IClassifier.Predict"/>. Each iteration changes one random square window per sample —
/// for L∞ it sets the window to ±ε per channel, for L2 it moves mass from a second window into
/// the first with a pseudo-Gaussian pattern — and keeps the change if the margin loss decreases
/// (untargeted <c>z_y − max_{j≠y} z_j</c>, targeted <c>max_{j≠t} z_j − z_t</c>). The square's
/// side follows the paper's piecewise-constant schedule of <c>p</c> (the fraction of pixels
/// changed), halving at fixed fractions of the iterations. Only samples not yet successful are
/// queried; each sample is charged at most <see cref="MaxQueries"/> queries in all, including the
/// two the base class spends on clean and final predictions.
/// </summary>
public sealed class SquareAttack : EvasionAttack
{
    /// <summary>The registry entry: <c>square</c>, score-based.</summary>
    public static AttackDescriptor Descriptor { get; } = new()
    {
        Name = "square",
        Kind = AttackKind.ScoreBased,
        Norms = [Norm.Linf, Norm.L2],
        SupportsTargeted = true,
        Parameters = [AttackParameter.Epsilon(), AttackParameter.MaxQueries()],
        CostRank = 10,
        Description = "Random search over squares of the image, keeping changes that lower the margin loss; scores only, no gradients.",
        Citation = "Andriushchenko et al. 2020",
        Factory = s => new SquareAttack(s.Epsilon, s.MaxQueries, s.Norm),
    };

    /// <summary>Creates the attack.</summary>
    /// <param name="epsilon">Budget ε in <paramref name="norm"/>.</param>
    /// <param name="maxQueries">Model queries per sample, all included (at least 4).</param>
    /// <param name="norm">L∞ or L2.</param>
    /// <param name="pInit">Initial fraction of pixels changed per step; null for the paper's default (0.8 for L∞, 0.1 for L2).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public SquareAttack(float epsilon, int maxQueries = 1000, Norm norm = Norm.Linf, float? pInit = null)
    {
        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"Square: epsilon {epsilon} must be positive and finite.");
        }

        if (maxQueries < BlackBoxQueries.EvaluationQueries + 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQueries), $"Square: max queries {maxQueries} must be at least 4 (two go to the clean and final predictions).");
        }

        if (norm is not (Norm.Linf or Norm.L2))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), $"Square: norm {norm} is not supported; expected Linf or L2.");
        }

        var p = pInit ?? (norm == Norm.Linf ? 0.8f : 0.1f);
        if (!(p > 0f && p <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(pInit), $"Square: p_init {p} must be in (0, 1].");
        }

        Epsilon = epsilon;
        MaxQueries = maxQueries;
        Norm = norm;
        PInit = p;
    }

    /// <summary>Budget ε.</summary>
    public float Epsilon { get; }

    /// <summary>Model queries per sample, including the base class's clean and final predictions.</summary>
    public int MaxQueries { get; }

    /// <summary>Initial fraction of pixels changed per step.</summary>
    public float PInit { get; }

    /// <inheritdoc />
    public override string Name => Norm == Norm.Linf ? "square-linf" : "square-l2";

    /// <inheritdoc />
    public override Norm Norm { get; }

    /// <summary>The paper's schedule: <c>p</c> halves at 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 of 10,000 iterations (rescaled).</summary>
    internal static float PSchedule(float pInit, int iteration, int iterations)
    {
        var it = (int)(iteration / (double)Math.Max(iterations, 1) * 10000);
        int[] steps = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
        var p = pInit;
        foreach (var s in steps)
        {
            if (it > s)
            {
                p /= 2;
            }
        }

        return p;
    }

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng) => Generate(classifier, x, goal, rng, new long[x.Dim(0)]);

    /// <inheritdoc />
    protected override Tensor Generate(IClassifier classifier, Tensor x, AttackGoal goal, Rng rng, long[] sampleQueries)
    {
        var (c, h, w) = BlackBoxQueries.ImageDims(classifier, Name);
        var n = x.Dim(0);
        var d = c * h * w;
        var clean = x.ToArray();
        var best = Norm == Norm.Linf ? InitLinf(clean, n, c, h, w, classifier.InputRange, rng) : InitL2(clean, n, c, h, w, classifier.InputRange, rng);
        var k = classifier.ClassCount;
        var labels = goal.LossLabels;
        var budget = BlackBoxQueries.AttackBudget(MaxQueries);
        var used = new int[n];
        var margin = new float[n];
        var logits = BlackBoxQueries.Logits(classifier, best, n);
        for (var i = 0; i < n; i++)
        {
            used[i]++;
            margin[i] = BlackBoxQueries.Margin(logits.AsSpan(i * k, k), labels[i], goal.IsTargeted);
        }

        var iterations = budget - 1;
        var active = new List<int>(n);
        for (var it = 0; it < iterations; it++)
        {
            active.Clear();
            for (var i = 0; i < n; i++)
            {
                if (margin[i] >= 0f && used[i] < budget)
                {
                    active.Add(i);
                }
            }

            if (active.Count == 0)
            {
                break;
            }

            var p = PSchedule(PInit, it, iterations);
            var candidates = new float[active.Count * d];
            for (var a = 0; a < active.Count; a++)
            {
                var i = active[a];
                var row = candidates.AsSpan(a * d, d);
                best.AsSpan(i * d, d).CopyTo(row);
                if (Norm == Norm.Linf)
                {
                    ProposeLinf(row, clean.AsSpan(i * d, d), p, c, h, w, classifier.InputRange, rng);
                }
                else
                {
                    ProposeL2(row, clean.AsSpan(i * d, d), p, c, h, w, classifier.InputRange, rng);
                }
            }

            var z = BlackBoxQueries.Logits(classifier, candidates, active.Count);
            for (var a = 0; a < active.Count; a++)
            {
                var i = active[a];
                used[i]++;
                var m = BlackBoxQueries.Margin(z.AsSpan(a * k, k), labels[i], goal.IsTargeted);
                if (m < margin[i])
                {
                    margin[i] = m;
                    candidates.AsSpan(a * d, d).CopyTo(best.AsSpan(i * d, d));
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            sampleQueries[i] += used[i];
        }

        return Tensor.FromArray(best, x.Shape);
    }

    private float[] InitLinf(float[] clean, int n, int c, int h, int w, InputRange range, Rng rng)
    {
        // Vertical stripes: every column of every channel gets +ε or −ε.
        var best = new float[clean.Length];
        for (var i = 0; i < n; i++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                for (var col = 0; col < w; col++)
                {
                    var s = rng.NextDouble() < 0.5 ? -Epsilon : Epsilon;
                    for (var r = 0; r < h; r++)
                    {
                        var j = ((i * c + ch) * h + r) * w + col;
                        best[j] = Math.Clamp(clean[j] + s, range.Min, range.Max);
                    }
                }
            }
        }

        return best;
    }

    private void ProposeLinf(Span<float> row, ReadOnlySpan<float> clean, float p, int c, int h, int w, InputRange range, Rng rng)
    {
        var s = SideLinf(p, c, h, w);
        var vh = rng.NextInt(h - s + 1);
        var vw = rng.NextInt(w - s + 1);
        var values = new float[c];

        // Redraw the per-channel signs while the window would not change at all (bounded).
        for (var attempt = 0; attempt < 16; attempt++)
        {
            for (var ch = 0; ch < c; ch++)
            {
                values[ch] = rng.NextDouble() < 0.5 ? -Epsilon : Epsilon;
            }

            var changes = false;
            for (var ch = 0; ch < c && !changes; ch++)
            {
                for (var r = vh; r < vh + s && !changes; r++)
                {
                    for (var col = vw; col < vw + s; col++)
                    {
                        var j = (ch * h + r) * w + col;
                        if (Math.Abs(Math.Clamp(clean[j] + values[ch], range.Min, range.Max) - row[j]) >= 1e-7f)
                        {
                            changes = true;
                            break;
                        }
                    }
                }
            }

            if (changes)
            {
                break;
            }
        }

        for (var ch = 0; ch < c; ch++)
        {
            for (var r = vh; r < vh + s; r++)
            {
                for (var col = vw; col < vw + s; col++)
                {
                    var j = (ch * h + r) * w + col;
                    row[j] = Math.Clamp(clean[j] + values[ch], range.Min, range.Max);
                }
            }
        }
    }

    private static int SideLinf(float p, int c, int h, int w)
    {
        var s = (int)Math.Round(Math.Sqrt(p * h * w));
        return Math.Clamp(s, 1, Math.Max(Math.Min(h, w) - 1, 1));
    }

    private float[] InitL2(float[] clean, int n, int c, int h, int w, InputRange range, Rng rng)
    {
        // A 5×5 grid of pseudo-Gaussian blocks with random signs per sample and channel, scaled to ε.
        var d = c * h * w;
        var delta = new float[clean.Length];
        var s = Math.Max(Math.Min(h, w) / 5, 1);
        var startH = (h - (s * 5)) / 2;
        var startW = (w - (s * 5)) / 2;
        for (var bh = 0; bh < 5; bh++)
        {
            for (var bw = 0; bw < 5; bw++)
            {
                var top = Math.Max(startH, 0) + (bh * s);
                var left = Math.Max(startW, 0) + (bw * s);
                if (top + s > h || left + s > w)
                {
                    continue;
                }

                var pattern = MetaPseudoGaussian(s, rng);
                for (var i = 0; i < n; i++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        var sign = rng.NextDouble() < 0.5 ? -1f : 1f;
                        for (var r = 0; r < s; r++)
                        {
                            for (var col = 0; col < s; col++)
                            {
                                delta[(i * d) + ((ch * h + top + r) * w) + left + col] += sign * pattern[(r * s) + col];
                            }
                        }
                    }
                }
            }
        }

        var best = new float[clean.Length];
        for (var i = 0; i < n; i++)
        {
            var norm = Norm2(delta.AsSpan(i * d, d));
            var scale = norm > 0 ? Epsilon / norm : 0f;
            for (var j = i * d; j < (i + 1) * d; j++)
            {
                best[j] = Math.Clamp(clean[j] + (delta[j] * scale), range.Min, range.Max);
            }
        }

        return best;
    }

    private void ProposeL2(Span<float> row, ReadOnlySpan<float> clean, float p, int c, int h, int w, InputRange range, Rng rng)
    {
        var d = c * h * w;
        var s = Math.Max((int)Math.Round(Math.Sqrt(p * h * w)), 3);
        if (s % 2 == 0)
        {
            s++;
        }

        s = Math.Min(s, Math.Min(h, w));
        var delta = new float[d];
        for (var j = 0; j < d; j++)
        {
            delta[j] = row[j] - clean[j];
        }

        var currentNorm = Norm2(delta);
        var h1 = rng.NextInt(h - s + 1);
        var w1 = rng.NextInt(w - s + 1);
        var h2 = rng.NextInt(h - s + 1);
        var w2 = rng.NextInt(w - s + 1);
        bool InWindow(int r, int col, int top, int left) => r >= top && r < top + s && col >= left && col < left + s;

        var pattern = MetaPseudoGaussian(s, rng);
        var update = new float[c * s * s];
        for (var ch = 0; ch < c; ch++)
        {
            double window1 = 0, union = 0;
            for (var r = 0; r < h; r++)
            {
                for (var col = 0; col < w; col++)
                {
                    var in1 = InWindow(r, col, h1, w1);
                    if (!in1 && !InWindow(r, col, h2, w2))
                    {
                        continue;
                    }

                    var v = (double)delta[(ch * h + r) * w + col];
                    union += v * v;
                    if (in1)
                    {
                        window1 += v * v;
                    }
                }
            }

            var norm1 = (float)Math.Sqrt(window1);
            var sign = rng.NextDouble() < 0.5 ? -1f : 1f;
            double updateSq = 0;
            for (var r = 0; r < s; r++)
            {
                for (var col = 0; col < s; col++)
                {
                    var old = delta[(ch * h + h1 + r) * w + w1 + col] / (1e-10f + norm1);
                    var v = (sign * pattern[(r * s) + col]) + old;
                    update[(ch * s * s) + (r * s) + col] = v;
                    updateSq += (double)v * v;
                }
            }

            // The window gets the mass of both windows plus its share of the unused budget.
            var target = Math.Sqrt((Math.Max((Epsilon * Epsilon) - (currentNorm * currentNorm), 0f) / c) + union);
            var factor = updateSq > 0 ? (float)(target / Math.Sqrt(updateSq)) : 0f;
            for (var r = 0; r < h; r++)
            {
                for (var col = 0; col < w; col++)
                {
                    if (InWindow(r, col, h2, w2))
                    {
                        delta[(ch * h + r) * w + col] = 0f;
                    }
                }
            }

            for (var r = 0; r < s; r++)
            {
                for (var col = 0; col < s; col++)
                {
                    delta[(ch * h + h1 + r) * w + w1 + col] = update[(ch * s * s) + (r * s) + col] * factor;
                }
            }
        }

        var total = Norm2(delta);
        var scale = total > 0 ? Epsilon / total : 0f;
        for (var j = 0; j < d; j++)
        {
            row[j] = Math.Clamp(clean[j] + (delta[j] * scale), range.Min, range.Max);
        }
    }

    /// <summary>Concentric rectangles around the centre weighted 1/(k+1)², unit L2 norm, <c>[rows, cols]</c>.</summary>
    internal static float[] PseudoGaussian(int rows, int cols)
    {
        var delta = new float[rows * cols];
        var centreR = (rows / 2) + 1;
        var centreC = (cols / 2) + 1;
        var r0 = centreR - 1;
        var c0 = centreC - 1;
        for (var k = 0; k < Math.Max(centreR, centreC); k++)
        {
            var weight = 1f / ((k + 1) * (k + 1));
            for (var r = Math.Max(r0, 0); r < Math.Min(r0 + (2 * k) + 1, rows); r++)
            {
                for (var col = Math.Max(c0, 0); col < Math.Min(c0 + (2 * k) + 1, cols); col++)
                {
                    delta[(r * cols) + col] += weight;
                }
            }

            r0--;
            c0--;
        }

        var norm = Norm2(delta);
        if (norm > 0)
        {
            for (var j = 0; j < delta.Length; j++)
            {
                delta[j] /= norm;
            }
        }

        return delta;
    }

    /// <summary>Two pseudo-Gaussian halves of opposite sign, unit norm, randomly transposed, <c>[s, s]</c>.</summary>
    internal static float[] MetaPseudoGaussian(int s, Rng rng)
    {
        var delta = new float[s * s];
        var top = s / 2;
        if (top > 0)
        {
            PseudoGaussian(top, s).CopyTo(delta, 0);
        }

        var bottom = PseudoGaussian(s - top, s);
        for (var j = 0; j < bottom.Length; j++)
        {
            delta[(top * s) + j] = -bottom[j];
        }

        var norm = Norm2(delta);
        for (var j = 0; j < delta.Length; j++)
        {
            delta[j] /= norm;
        }

        if (rng.NextDouble() > 0.5)
        {
            var t = new float[s * s];
            for (var r = 0; r < s; r++)
            {
                for (var col = 0; col < s; col++)
                {
                    t[(col * s) + r] = delta[(r * s) + col];
                }
            }

            return t;
        }

        return delta;
    }

    private static float Norm2(ReadOnlySpan<float> v)
    {
        double sq = 0;
        foreach (var a in v)
        {
            sq += (double)a * a;
        }

        return (float)Math.Sqrt(sq);
    }
}
