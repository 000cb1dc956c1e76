using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

/// <summary>
/// Differentiable loss functions, including the margin losses adversarial attacks optimise
/// (Carlini–Wagner, DLR). Classification losses take logits <c>[N, K]</c> and one label per
/// sample; labels outside [0, K) are rejected naming the loss, the sample and K. Where a loss
/// selects a maximum, ties send the gradient to the first maximal element, as PyTorch does.
/// </summary>
public static class Losses
{
    /// <summary>Cross-entropy of logits against integer labels, computed via log-softmax.</summary>
    /// <remarks>
    /// Per sample, with <c>log p = LogSoftmax(z)</c> (log-sum-exp, never softmax-then-log) and the
    /// smoothed target <c>q = (1 − ε) · onehot(y) + ε / K</c>:
    /// <c>ℓ_i = −Σ_j q_j log p_j = −(1 − ε) log p_y − (ε / K) Σ_j log p_j</c>, as PyTorch's
    /// <c>cross_entropy(label_smoothing = ε)</c>. <c>∂ℓ_i/∂z = softmax(z) − q</c>.
    /// Mean divides the sum by N (NaN for an empty batch).
    /// </remarks>
    /// <param name="logits">Unnormalised scores <c>[N, K]</c>.</param>
    /// <param name="labels">N class indices in [0, K).</param>
    /// <param name="reduction">Mean or Sum over samples (a scalar), or None (<c>[N]</c>).</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException"><paramref name="logits"/> is not rank 2 with K ≥ 1, or the label count is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, K), <paramref name="labelSmoothing"/> is outside [0, 1], or <paramref name="reduction"/> is undefined.</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] labels, Reduction reduction = Reduction.Mean, float labelSmoothing = 0f)
    {
        const string op = "CrossEntropy";
        var (n, k) = LossKernels.ValidateClassification(op, logits, labels, 1);
        LossKernels.ValidateReduction(op, reduction);
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"{op}: labelSmoothing {labelSmoothing} is outside [0, 1].");
        }

        var z = logits.Data;
        var lse = new double[n];
        var losses = new double[n];
        var eps = (double)labelSmoothing;
        Parallelism.For(n, (long)k * 12, (start, end) =>
        {
            var scratch = new float[k];
            for (var i = start; i < end; i++)
            {
                var row = z.AsSpan(i * k, k);
                var max = TensorPrimitives.Max(row);
                TensorPrimitives.Subtract(row, max, scratch);
                TensorPrimitives.Exp(scratch, scratch);
                var l = max + Math.Log(TensorPrimitives.Sum(scratch));
                lse[i] = l;
                var logPy = row[labels[i]] - l;
                var loss = -(1.0 - eps) * logPy;
                if (eps != 0)
                {
                    var sumLogP = TensorPrimitives.Sum(row) - (k * l);
                    loss -= eps / k * sumLogP;
                }

                losses[i] = loss;
            }
        });

        var result = LossKernels.Reduce(losses, new Shape(n), reduction, n);
        return Autodiff.Record(result, op, [logits], (g, _) =>
        {
            var dz = Tensor.Buffer(z.Length);
            Parallelism.For(n, (long)k * 8, (start, end) =>
            {
                for (var i = start; i < end; i++)
                {
                    var s = LossKernels.Scale(g, reduction, i, n);
                    var ds = dz.AsSpan(i * k, k);
                    TensorPrimitives.Subtract(z.AsSpan(i * k, k), (float)lse[i], ds);
                    TensorPrimitives.Exp(ds, ds);
                    if (eps != 0)
                    {
                        TensorPrimitives.Subtract(ds, (float)(eps / k), ds);
                    }

                    ds[labels[i]] -= (float)(1.0 - eps);
                    TensorPrimitives.Multiply(ds, s, ds);
                }
            });
            return [new Tensor(dz, logits.Shape)];
        });
    }

    /// <summary>Negative log-likelihood of log-probabilities against integer labels.</summary>
    /// <remarks>
    /// <c>ℓ_i = −logProbs[i, y_i]</c>; <c>∂ℓ_i/∂logProbs[i, j] = −[j = y_i]</c>. Mean divides by N.
    /// </remarks>
    /// <param name="logProbs">Log-probabilities <c>[N, K]</c> (e.g. from <see cref="Ops.LogSoftmax"/>).</param>
    /// <param name="labels">N class indices in [0, K).</param>
    /// <param name="reduction">Mean or Sum over samples (a scalar), or None (<c>[N]</c>).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException"><paramref name="logProbs"/> is not rank 2 with K ≥ 1, or the label count is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, K), or <paramref name="reduction"/> is undefined.</exception>
    public static Tensor Nll(Tensor logProbs, int[] labels, Reduction reduction = Reduction.Mean)
    {
        const string op = "Nll";
        var (n, k) = LossKernels.ValidateClassification(op, logProbs, labels, 1);
        LossKernels.ValidateReduction(op, reduction);
        var src = logProbs.Data;
        var losses = new double[n];
        for (var i = 0; i < n; i++)
        {
            losses[i] = -src[(i * k) + labels[i]];
        }

        var result = LossKernels.Reduce(losses, new Shape(n), reduction, n);
        return Autodiff.Record(result, op, [logProbs], (g, _) =>
        {
            var d = Tensor.Buffer(src.Length);
            for (var i = 0; i < n; i++)
            {
                d[(i * k) + labels[i]] = -LossKernels.Scale(g, reduction, i, n);
            }

            return [new Tensor(d, logProbs.Shape)];
        });
    }

    /// <summary>Mean squared error between two tensors of the same shape.</summary>
    /// <remarks>
    /// Pointwise <c>ℓ = (p − t)²</c>; Mean averages over all elements (not samples), Sum adds
    /// them, None keeps the input shape. <c>∂ℓ/∂p = 2 (p − t)</c>, <c>∂ℓ/∂t = −2 (p − t)</c>.
    /// </remarks>
    /// <param name="prediction">Prediction of any shape.</param>
    /// <param name="target">Target of the same shape.</param>
    /// <param name="reduction">Mean or Sum over all elements, or None.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException">The shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is undefined.</exception>
    public static Tensor Mse(Tensor prediction, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "Mse";
        LossKernels.ValidateReduction(op, reduction);
        if (prediction.Shape != target.Shape)
        {
            throw new TensorShapeException(op, $"prediction has shape {prediction.Shape} and target {target.Shape}; expected equal shapes.");
        }

        var p = prediction.Data;
        var t = target.Data;
        var diff = Tensor.Buffer(p.Length);
        TensorPrimitives.Subtract(p, t, diff);
        Tensor result;
        if (reduction == Reduction.None)
        {
            var sq = Tensor.Buffer(p.Length);
            TensorPrimitives.Multiply(diff, diff, sq);
            result = new Tensor(sq, prediction.Shape);
        }
        else
        {
            double sum = 0;
            for (var start = 0; start < diff.Length; start += 4096)
            {
                sum += TensorPrimitives.SumOfSquares(diff.AsSpan(start, Math.Min(4096, diff.Length - start)));
            }

            result = Tensor.Scalar((float)(reduction == Reduction.Mean ? sum / p.Length : sum));
        }

        return Autodiff.Record(result, op, [prediction, target], (g, needs) =>
        {
            var d = Tensor.Buffer(diff.Length);
            if (reduction == Reduction.None)
            {
                TensorPrimitives.Multiply(diff, g.Data, d);
                TensorPrimitives.Multiply(d, 2f, d);
            }
            else
            {
                var s = reduction == Reduction.Mean ? g.Data[0] / p.Length : g.Data[0];
                TensorPrimitives.Multiply(diff, 2f * s, d);
            }

            Tensor? dt = null;
            if (needs[1])
            {
                var neg = Tensor.Buffer(d.Length);
                TensorPrimitives.Negate(d, neg);
                dt = new Tensor(neg, target.Shape);
            }

            return [needs[0] ? new Tensor(d, prediction.Shape) : null, dt];
        });
    }

    /// <summary>The Carlini–Wagner f6 margin loss on logits.</summary>
    /// <remarks>
    /// Untargeted (<paramref name="labels"/> are the true classes y):
    /// <c>ℓ_i = max(Z_y − max_{j≠y} Z_j, −κ)</c>, which an attack minimises.
    /// Targeted (<paramref name="labels"/> are the target classes t):
    /// <c>ℓ_i = max(max_{j≠t} Z_j − Z_t, −κ)</c>.
    /// The gradient is ±1 on the label and on the first maximal other logit where the margin is
    /// ≥ −κ (the boundary included, like <see cref="Ops.Clamp(Tensor, float, float)"/>), and 0
    /// where the clamp at −κ is active. Mean divides by N.
    /// </remarks>
    /// <param name="logits">Logits <c>[N, K]</c>, K ≥ 2.</param>
    /// <param name="labels">N class indices in [0, K): true classes, or targets when <paramref name="targeted"/>.</param>
    /// <param name="kappa">Confidence κ ≥ 0.</param>
    /// <param name="targeted">Targeted variant.</param>
    /// <param name="reduction">Mean or Sum over samples (a scalar), or None (<c>[N]</c>).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException"><paramref name="logits"/> is not rank 2 with K ≥ 2, or the label count is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, K), <paramref name="kappa"/> is negative or not finite, or <paramref name="reduction"/> is undefined.</exception>
    public static Tensor CarliniWagner(Tensor logits, int[] labels, float kappa = 0f, bool targeted = false, Reduction reduction = Reduction.Mean)
    {
        const string op = "CarliniWagner";
        var (n, k) = LossKernels.ValidateClassification(op, logits, labels, 2);
        LossKernels.ValidateReduction(op, reduction);
        if (!(kappa >= 0f) || !float.IsFinite(kappa))
        {
            throw new ArgumentOutOfRangeException(nameof(kappa), $"{op}: kappa {kappa} must be finite and ≥ 0.");
        }

        var z = logits.Data;
        var other = new int[n];
        var active = new bool[n];
        var losses = new double[n];
        for (var i = 0; i < n; i++)
        {
            var row = z.AsSpan(i * k, k);
            var m = LossKernels.ArgMaxExcluding(row, labels[i], -1, -1);
            other[i] = m;
            var margin = targeted ? (double)row[m] - row[labels[i]] : (double)row[labels[i]] - row[m];
            active[i] = margin >= -kappa;
            losses[i] = Math.Max(margin, -kappa);
        }

        var result = LossKernels.Reduce(losses, new Shape(n), reduction, n);
        return Autodiff.Record(result, op, [logits], (g, _) =>
        {
            var d = Tensor.Buffer(z.Length);
            for (var i = 0; i < n; i++)
            {
                if (!active[i])
                {
                    continue;
                }

                var s = LossKernels.Scale(g, reduction, i, n);
                var sign = targeted ? -1f : 1f;
                d[(i * k) + labels[i]] += sign * s;
                d[(i * k) + other[i]] -= sign * s;
            }

            return [new Tensor(d, logits.Shape)];
        });
    }

    /// <summary>The untargeted Difference-of-Logits-Ratio loss (Croce &amp; Hein, 2020).</summary>
    /// <remarks>
    /// With <c>π</c> sorting the logits of a sample in descending order (ties: lower index first):
    /// <c>ℓ_i = −(z_y − max_{j≠y} z_j) / (z_π1 − z_π3 + 1e-12)</c>. With <c>a</c> the numerator
    /// difference and <c>d</c> the denominator: <c>∂ℓ/∂z_y = −1/d</c>, <c>∂ℓ/∂z_m = 1/d</c> for the
    /// first maximal <c>m ≠ y</c>, <c>∂ℓ/∂z_π1 += a/d²</c>, <c>∂ℓ/∂z_π3 −= a/d²</c>. It is
    /// invariant to shifting and positive scaling of the logits. Mean divides by N.
    /// </remarks>
    /// <param name="logits">Logits <c>[N, K]</c>, K ≥ 3.</param>
    /// <param name="labels">N true class indices in [0, K).</param>
    /// <param name="reduction">Mean or Sum over samples (a scalar), or None (<c>[N]</c>).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException"><paramref name="logits"/> is not rank 2 with K ≥ 3, or the label count is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, K), or <paramref name="reduction"/> is undefined.</exception>
    public static Tensor Dlr(Tensor logits, int[] labels, Reduction reduction = Reduction.Mean)
    {
        const string op = "Dlr";
        var (n, k) = LossKernels.ValidateClassification(op, logits, labels, 3);
        LossKernels.ValidateReduction(op, reduction);
        var z = logits.Data;
        var losses = new double[n];
        var idx = new int[n * 3]; // m, π1, π3
        var coef = new double[n * 2]; // 1/d, a/d²
        for (var i = 0; i < n; i++)
        {
            var row = z.AsSpan(i * k, k);
            var y = labels[i];
            var p1 = LossKernels.ArgMaxExcluding(row, -1, -1, -1);
            var p2 = LossKernels.ArgMaxExcluding(row, p1, -1, -1);
            var p3 = LossKernels.ArgMaxExcluding(row, p1, p2, -1);
            var m = p1 == y ? p2 : p1;
            var a = (double)row[y] - row[m];
            var d = (double)row[p1] - row[p3] + 1e-12;
            losses[i] = -a / d;
            idx[(i * 3) + 0] = m;
            idx[(i * 3) + 1] = p1;
            idx[(i * 3) + 2] = p3;
            coef[(i * 2) + 0] = 1.0 / d;
            coef[(i * 2) + 1] = a / (d * d);
        }

        var result = LossKernels.Reduce(losses, new Shape(n), reduction, n);
        return Autodiff.Record(result, op, [logits], (g, _) =>
        {
            var grad = new double[z.Length];
            for (var i = 0; i < n; i++)
            {
                var s = (double)LossKernels.Scale(g, reduction, i, n);
                var b = i * k;
                grad[b + labels[i]] -= s * coef[i * 2];
                grad[b + idx[i * 3]] += s * coef[i * 2];
                grad[b + idx[(i * 3) + 1]] += s * coef[(i * 2) + 1];
                grad[b + idx[(i * 3) + 2]] -= s * coef[(i * 2) + 1];
            }

            return [new Tensor(LossKernels.ToFloat(grad), logits.Shape)];
        });
    }

    /// <summary>The targeted Difference-of-Logits-Ratio loss (Croce &amp; Hein, 2020).</summary>
    /// <remarks>
    /// With <c>π</c> sorting the logits of a sample in descending order (ties: lower index first):
    /// <c>ℓ_i = −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12)</c>. With <c>a = z_y − z_t</c> and
    /// <c>d</c> the denominator: <c>∂ℓ/∂z_y = −1/d</c>, <c>∂ℓ/∂z_t = 1/d</c>, <c>∂ℓ/∂z_π1 += a/d²</c>,
    /// <c>∂ℓ/∂z_π3 −= a/(2d²)</c>, <c>∂ℓ/∂z_π4 −= a/(2d²)</c>. Mean divides by N.
    /// </remarks>
    /// <param name="logits">Logits <c>[N, K]</c>, K ≥ 4.</param>
    /// <param name="labels">N true class indices in [0, K).</param>
    /// <param name="targets">N target class indices in [0, K).</param>
    /// <param name="reduction">Mean or Sum over samples (a scalar), or None (<c>[N]</c>).</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException"><paramref name="logits"/> is not rank 2 with K ≥ 4, or the label or target count is not N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label or target is outside [0, K), or <paramref name="reduction"/> is undefined.</exception>
    public static Tensor DlrTargeted(Tensor logits, int[] labels, int[] targets, Reduction reduction = Reduction.Mean)
    {
        const string op = "DlrTargeted";
        var (n, k) = LossKernels.ValidateClassification(op, logits, labels, 4);
        LossKernels.ValidateLabels(op, targets, n, k, "target");
        LossKernels.ValidateReduction(op, reduction);
        var z = logits.Data;
        var losses = new double[n];
        var idx = new int[n * 3]; // π1, π3, π4
        var coef = new double[n * 2]; // 1/d, a/d²
        for (var i = 0; i < n; i++)
        {
            var row = z.AsSpan(i * k, k);
            var p1 = LossKernels.ArgMaxExcluding(row, -1, -1, -1);
            var p2 = LossKernels.ArgMaxExcluding(row, p1, -1, -1);
            var p3 = LossKernels.ArgMaxExcluding(row, p1, p2, -1);
            var p4 = LossKernels.ArgMaxExcluding(row, p1, p2, p3);
            var a = (double)row[labels[i]] - row[targets[i]];
            var d = (double)row[p1] - (0.5 * ((double)row[p3] + row[p4])) + 1e-12;
            losses[i] = -a / d;
            idx[(i * 3) + 0] = p1;
            idx[(i * 3) + 1] = p3;
            idx[(i * 3) + 2] = p4;
            coef[(i * 2) + 0] = 1.0 / d;
            coef[(i * 2) + 1] = a / (d * d);
        }

        var result = LossKernels.Reduce(losses, new Shape(n), reduction, n);
        return Autodiff.Record(result, op, [logits], (g, _) =>
        {
            var grad = new double[z.Length];
            for (var i = 0; i < n; i++)
            {
                var s = (double)LossKernels.Scale(g, reduction, i, n);
                var b = i * k;
                grad[b + labels[i]] -= s * coef[i * 2];
                grad[b + targets[i]] += s * coef[i * 2];
                grad[b + idx[i * 3]] += s * coef[(i * 2) + 1];
                grad[b + idx[(i * 3) + 1]] -= 0.5 * s * coef[(i * 2) + 1];
                grad[b + idx[(i * 3) + 2]] -= 0.5 * s * coef[(i * 2) + 1];
            }

            return [new Tensor(LossKernels.ToFloat(grad), logits.Shape)];
        });
    }

    /// <summary>Kullback–Leibler divergence with PyTorch <c>kl_div</c> semantics.</summary>
    /// <remarks>
    /// The input holds log-probabilities <c>x</c>. Pointwise:
    /// <c>ℓ = t · (log t − x)</c>, taken as 0 where <c>t = 0</c> (NaN where <c>t &lt; 0</c>); with
    /// <paramref name="logTarget"/>, <paramref name="target"/> holds <c>log t</c> and
    /// <c>ℓ = e^t · (t − x)</c>, taken as 0 where the log target is −∞ (PyTorch's formula gives
    /// NaN there; here a zero-probability target never contributes). Reductions: None keeps the input shape; Sum adds all elements;
    /// Mean divides the sum by the number of elements, or, when <paramref name="batchMean"/> is
    /// true, by the batch size (dimension 0) — PyTorch's <c>'batchmean'</c>, which is the true KL
    /// divergence per sample. Gradients: <c>∂ℓ/∂x = −t</c> (<c>−e^t</c> with log target);
    /// <c>∂ℓ/∂t = log t + 1 − x</c>, taken as 0 where <c>t = 0</c>
    /// (<c>e^t (t − x + 1)</c> with log target, 0 where it is −∞).
    /// </remarks>
    /// <param name="logProbsInput">Log-probabilities of any shape.</param>
    /// <param name="target">Probabilities (or log-probabilities with <paramref name="logTarget"/>) of the same shape.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    /// <param name="logTarget">The target is given as log-probabilities.</param>
    /// <param name="batchMean">With <see cref="Reduction.Mean"/>, divide by the batch size instead of the element count.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="TensorShapeException">The shapes differ, or <paramref name="batchMean"/> is used on a rank-0 input.</exception>
    /// <exception cref="ArgumentException"><paramref name="batchMean"/> is combined with a reduction other than Mean.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is undefined.</exception>
    public static Tensor KlDivergence(Tensor logProbsInput, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false, bool batchMean = false)
    {
        const string op = "KlDivergence";
        LossKernels.ValidateReduction(op, reduction);
        if (logProbsInput.Shape != target.Shape)
        {
            throw new TensorShapeException(op, $"input has shape {logProbsInput.Shape} and target {target.Shape}; expected equal shapes.");
        }

        if (batchMean && reduction != Reduction.Mean)
        {
            throw new ArgumentException($"{op}: batchMean applies only to Reduction.Mean; got Reduction.{reduction}.", nameof(batchMean));
        }

        if (batchMean && logProbsInput.Rank == 0)
        {
            throw new TensorShapeException(op, $"batchMean needs a batch dimension; got input of shape {logProbsInput.Shape}.");
        }

        var x = logProbsInput.Data;
        var t = target.Data;
        var values = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            double ti = t[i];
            values[i] = logTarget
                ? (double.IsNegativeInfinity(ti) ? 0.0 : Math.Exp(ti) * (ti - x[i]))
                : ti > 0 ? ti * (Math.Log(ti) - x[i]) : ti == 0 ? 0.0 : double.NaN;
        }

        double divisor = batchMean ? logProbsInput.Shape.Dims[0] : x.Length;
        var result = LossKernels.Reduce(values, logProbsInput.Shape, reduction, divisor);
        return Autodiff.Record(result, op, [logProbsInput, target], (g, needs) =>
        {
            var dx = needs[0] ? Tensor.Buffer(x.Length) : null;
            var dt = needs[1] ? Tensor.Buffer(x.Length) : null;
            for (var i = 0; i < x.Length; i++)
            {
                var s = (double)LossKernels.Scale(g, reduction, i, divisor);
                double ti = t[i];
                if (logTarget && double.IsNegativeInfinity(ti))
                {
                    dx?[i] = 0f;
                    dt?[i] = 0f;
                }
                else if (logTarget)
                {
                    var e = Math.Exp(ti);
                    dx?[i] = (float)(-e * s);
                    dt?[i] = (float)(e * (ti - x[i] + 1.0) * s);
                }
                else
                {
                    dx?[i] = (float)(-ti * s);
                    dt?[i] = ti > 0 ? (float)((Math.Log(ti) + 1.0 - x[i]) * s) : ti == 0 ? 0f : float.NaN;
                }
            }

            return [dx is null ? null : new Tensor(dx, logProbsInput.Shape), dt is null ? null : new Tensor(dt, target.Shape)];
        });
    }
}

/// <summary>Validation and reduction shared by the losses.</summary>
internal static class LossKernels
{
    public static (int N, int K) ValidateClassification(string op, Tensor logits, int[] labels, int minClasses)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Rank != 2 || logits.Shape.Dims[1] < minClasses)
        {
            throw new TensorShapeException(op, $"logits have shape {logits.Shape}; expected [N, K] with K ≥ {minClasses}.");
        }

        var n = logits.Shape.Dims[0];
        var k = logits.Shape.Dims[1];
        ValidateLabels(op, labels, n, k, "label");
        return (n, k);
    }

    public static void ValidateLabels(string op, int[] labels, int n, int k, string what)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != n)
        {
            throw new TensorShapeException(op, $"got {labels.Length} {what}s for a batch of N = {n} samples; expected one {what} per sample.");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= k)
            {
                throw new ArgumentOutOfRangeException(what == "label" ? "labels" : "targets", labels[i], $"{op}: {what} {labels[i]} of sample {i} is outside [0, K) with K = {k}.");
            }
        }
    }

    public static void ValidateReduction(string op, Reduction reduction)
    {
        if (reduction is not (Reduction.Mean or Reduction.Sum or Reduction.None))
        {
            throw new ArgumentOutOfRangeException(nameof(reduction), reduction, $"{op}: unknown reduction {(int)reduction}; expected Mean, Sum or None.");
        }
    }

    /// <summary>Reduces per-element values (accumulated in double, fixed order) to the loss tensor.</summary>
    public static Tensor Reduce(double[] values, Shape noneShape, Reduction reduction, double meanDivisor)
    {
        if (reduction == Reduction.None)
        {
            return new Tensor(ToFloat(values), noneShape);
        }

        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        return Tensor.Scalar((float)(reduction == Reduction.Mean ? sum / meanDivisor : sum));
    }

    /// <summary>∂loss/∂(value i) given the gradient of the reduced loss.</summary>
    public static float Scale(Tensor g, Reduction reduction, int i, double meanDivisor) => reduction switch
    {
        Reduction.None => g.Data[i],
        Reduction.Sum => g.Data[0],
        _ => (float)(g.Data[0] / meanDivisor),
    };

    /// <summary>Index of the first maximal element of <paramref name="row"/>, skipping up to three indices.</summary>
    public static int ArgMaxExcluding(ReadOnlySpan<float> row, int skip0, int skip1, int skip2)
    {
        var best = -1;
        var bestValue = float.NegativeInfinity;
        for (var j = 0; j < row.Length; j++)
        {
            if (j == skip0 || j == skip1 || j == skip2)
            {
                continue;
            }

            var v = row[j];
            if (best < 0 || v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue)))
            {
                best = j;
                bestValue = v;
            }
        }

        return best;
    }

    public static float[] ToFloat(double[] values)
    {
        var result = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }

        return result;
    }
}
