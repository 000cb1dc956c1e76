using System.Numerics.Tensors;
using Gauntlet.Tensors.Autograd;

namespace Gauntlet.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Batch normalisation over the channel axis (axis 1) of <c>[N, C]</c> or <c>[N, C, ...]</c>
    /// input, in training mode (batch statistics, running statistics updated in place) or
    /// inference mode (running statistics).
    /// </summary>
    /// <remarks>
    /// Per channel c, over the <c>M = N · (product of dims after 1)</c> values <c>x</c> of that channel:
    /// <para>Training: <c>μ = Σx / M</c>, <c>σ² = Σ(x − μ)² / M</c> (biased),
    /// <c>y = (x − μ) / √(σ² + eps) · γ + β</c>; then, in place,
    /// <c>runningMean ← (1 − momentum) · runningMean + momentum · μ</c> and
    /// <c>runningVar ← (1 − momentum) · runningVar + momentum · σ² · M / (M − 1)</c> (unbiased, as in
    /// PyTorch). The update happens in every training-mode call, also under
    /// <see cref="GradMode.NoGrad"/>. The backward goes through the batch statistics: with
    /// <c>x̂ = (x − μ)/√(σ² + eps)</c>, <c>∂x = γ/√(σ² + eps) · (g − mean(g) − x̂ · mean(g · x̂))</c>.</para>
    /// <para>Inference: <c>y = (x − runningMean) / √(runningVar + eps) · γ + β</c>, a per-channel
    /// affine map whose backward is <c>∂x = g · γ / √(runningVar + eps)</c> (the running statistics
    /// captured at the forward call).</para>
    /// <para>In both modes <c>∂γ = Σ g · x̂</c> and <c>∂β = Σ g</c>. A null γ means 1, a null β means 0.
    /// The running statistics are buffers: they never receive gradients.</para>
    /// </remarks>
    /// <param name="x">Input <c>[N, C]</c> or <c>[N, C, ...]</c>.</param>
    /// <param name="gamma">Optional scale <c>[C]</c>.</param>
    /// <param name="beta">Optional shift <c>[C]</c>.</param>
    /// <param name="runningMean">Running mean <c>[C]</c>; updated in place in training mode.</param>
    /// <param name="runningVar">Running variance <c>[C]</c>; updated in place in training mode.</param>
    /// <param name="training">Use and update batch statistics (true) or use the running statistics (false).</param>
    /// <param name="momentum">Weight of the batch statistic in the running update, in [0, 1].</param>
    /// <param name="eps">Added to the variance before the square root; positive.</param>
    /// <returns>The normalised tensor, shaped like <paramref name="x"/>.</returns>
    /// <exception cref="TensorShapeException">
    /// <paramref name="x"/> has rank &lt; 2, or a parameter or running statistic is not <c>[C]</c>.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// Training with a single value per channel (M ≤ 1), <paramref name="momentum"/> outside [0, 1],
    /// or <paramref name="eps"/> not positive and finite.
    /// </exception>
    public static Tensor BatchNorm(Tensor x, Tensor? gamma, Tensor? beta, Tensor runningMean, Tensor runningVar, bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(runningMean);
        ArgumentNullException.ThrowIfNull(runningVar);
        if (x.Rank < 2)
        {
            throw new TensorShapeException("BatchNorm", $"input has shape {x.Shape}; expected [N, C] or [N, C, ...] (rank ≥ 2).");
        }

        var n = x.Shape.Dims[0];
        var c = x.Shape.Dims[1];
        var spatial = x.Shape.SizeOf(2, x.Rank);
        var m = n * spatial;
        NormKernels.RequireVector("BatchNorm", "gamma", gamma, c, x.Shape);
        NormKernels.RequireVector("BatchNorm", "beta", beta, c, x.Shape);
        NormKernels.RequireVector("BatchNorm", "runningMean", runningMean, c, x.Shape);
        NormKernels.RequireVector("BatchNorm", "runningVar", runningVar, c, x.Shape);
        if (!(momentum >= 0f && momentum <= 1f))
        {
            throw new ArgumentException($"BatchNorm: momentum {momentum} is outside [0, 1].", nameof(momentum));
        }

        if (!(eps > 0f) || !float.IsFinite(eps))
        {
            throw new ArgumentException($"BatchNorm: eps {eps} must be positive and finite.", nameof(eps));
        }

        if (training && m <= 1)
        {
            throw new ArgumentException($"BatchNorm: input of shape {x.Shape} has {m} value(s) per channel; expected more than 1 when training.", nameof(x));
        }

        var src = x.Data;
        var mean = Tensor.Buffer(c);
        var invStd = Tensor.Buffer(c);
        if (training)
        {
            Parallelism.For(c, (long)m * 4, (start, end) =>
            {
                var scratch = new float[spatial];
                for (var ch = start; ch < end; ch++)
                {
                    double sum = 0;
                    for (var b = 0; b < n; b++)
                    {
                        sum += TensorPrimitives.Sum(src.AsSpan(((b * c) + ch) * spatial, spatial));
                    }

                    var mu = (float)(sum / m);
                    double sq = 0;
                    for (var b = 0; b < n; b++)
                    {
                        TensorPrimitives.Subtract(src.AsSpan(((b * c) + ch) * spatial, spatial), mu, scratch);
                        sq += TensorPrimitives.SumOfSquares(scratch);
                    }

                    var variance = sq / m;
                    mean[ch] = mu;
                    invStd[ch] = (float)(1.0 / Math.Sqrt(variance + eps));
                    var rm = runningMean.Data;
                    var rv = runningVar.Data;
                    rm[ch] = (float)(((1.0 - momentum) * rm[ch]) + (momentum * (double)mu));
                    rv[ch] = (float)(((1.0 - momentum) * rv[ch]) + (momentum * variance * m / (m - 1)));
                }
            });
        }
        else
        {
            for (var ch = 0; ch < c; ch++)
            {
                mean[ch] = runningMean.Data[ch];
                invStd[ch] = (float)(1.0 / Math.Sqrt((double)runningVar.Data[ch] + eps));
            }
        }

        var result = Tensor.Alloc(x.Shape);
        var y = result.Data;
        var gammaData = gamma?.Data;
        var betaData = beta?.Data;
        Parallelism.For(n * c, (long)spatial * 2, (start, end) =>
        {
            for (var row = start; row < end; row++)
            {
                var ch = row % c;
                var scale = invStd[ch] * (gammaData?[ch] ?? 1f);
                var shift = (betaData?[ch] ?? 0f) - (mean[ch] * scale);
                var ys = y.AsSpan(row * spatial, spatial);
                TensorPrimitives.Multiply(src.AsSpan(row * spatial, spatial), scale, ys);
                TensorPrimitives.Add(ys, shift, ys);
            }
        });

        var inputs = new List<Tensor> { x };
        var gammaIndex = gamma is null ? -1 : inputs.Count;
        if (gamma is not null)
        {
            inputs.Add(gamma);
        }

        var betaIndex = beta is null ? -1 : inputs.Count;
        if (beta is not null)
        {
            inputs.Add(beta);
        }

        return Autodiff.Record(result, training ? "BatchNormTrain" : "BatchNorm", [.. inputs], (g, needs) =>
        {
            var gd = g.Data;
            var needX = needs[0];
            var needGamma = gammaIndex >= 0 && needs[gammaIndex];
            var needBeta = betaIndex >= 0 && needs[betaIndex];
            var dx = needX ? Tensor.Buffer(src.Length) : null;
            var dGamma = needGamma ? Tensor.Buffer(c) : null;
            var dBeta = needBeta ? Tensor.Buffer(c) : null;
            Parallelism.For(c, (long)m * 6, (start, end) =>
            {
                var scratch = new float[spatial];
                for (var ch = start; ch < end; ch++)
                {
                    // sumG = Σ g; sumGx = Σ g · (x − μ), both over the channel, accumulated in double.
                    double sumG = 0;
                    double sumGx = 0;
                    for (var b = 0; b < n; b++)
                    {
                        var off = ((b * c) + ch) * spatial;
                        var gs = gd.AsSpan(off, spatial);
                        TensorPrimitives.Subtract(src.AsSpan(off, spatial), mean[ch], scratch);
                        sumG += TensorPrimitives.Sum(gs);
                        sumGx += TensorPrimitives.Dot(gs, scratch);
                    }

                    var istd = invStd[ch];
                    if (dGamma is not null)
                    {
                        dGamma[ch] = (float)(sumGx * istd);
                    }

                    if (dBeta is not null)
                    {
                        dBeta[ch] = (float)sumG;
                    }

                    if (dx is null)
                    {
                        continue;
                    }

                    // dx = k1·g + k2·(x − μ) + k3.
                    var k1 = (gammaData?[ch] ?? 1f) * istd;
                    float k2 = 0f;
                    float k3 = 0f;
                    if (training)
                    {
                        k2 = (float)(-k1 * istd * istd * sumGx / m);
                        k3 = (float)(-k1 * sumG / m);
                    }

                    for (var b = 0; b < n; b++)
                    {
                        var off = ((b * c) + ch) * spatial;
                        var ds = dx.AsSpan(off, spatial);
                        TensorPrimitives.Multiply(gd.AsSpan(off, spatial), k1, ds);
                        if (training)
                        {
                            TensorPrimitives.Subtract(src.AsSpan(off, spatial), mean[ch], scratch);
                            TensorPrimitives.MultiplyAdd(scratch, k2, ds, ds);
                            TensorPrimitives.Add(ds, k3, ds);
                        }
                    }
                }
            });

            var grads = new Tensor?[inputs.Count];
            grads[0] = dx is null ? null : new Tensor(dx, x.Shape);
            if (needGamma)
            {
                grads[gammaIndex] = new Tensor(dGamma!, gamma!.Shape);
            }

            if (needBeta)
            {
                grads[betaIndex] = new Tensor(dBeta!, beta!.Shape);
            }

            return grads;
        });
    }

    /// <summary>
    /// Layer normalisation over the last <paramref name="normalizedDims"/> dimensions, with an
    /// optional element-wise affine map.
    /// </summary>
    /// <remarks>
    /// For each of the <c>R</c> leading positions, over the <c>D</c> values of the normalised
    /// trailing block: <c>μ = Σx / D</c>, <c>σ² = Σ(x − μ)² / D</c> (biased),
    /// <c>x̂ = (x − μ)/√(σ² + eps)</c>, <c>y = x̂ ⊙ γ + β</c>. Backward, with <c>ĝ = g ⊙ γ</c>:
    /// <c>∂x = (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)) / √(σ² + eps)</c>, <c>∂γ = Σ_R g ⊙ x̂</c>,
    /// <c>∂β = Σ_R g</c>. A null γ means 1, a null β means 0.
    /// </remarks>
    /// <param name="x">Input of rank ≥ <paramref name="normalizedDims"/>.</param>
    /// <param name="normalizedDims">How many trailing dimensions form the normalised block (≥ 1).</param>
    /// <param name="gamma">Optional scale shaped like the trailing block.</param>
    /// <param name="beta">Optional shift shaped like the trailing block.</param>
    /// <param name="eps">Added to the variance before the square root; positive.</param>
    /// <returns>The normalised tensor, shaped like <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normalizedDims"/> is outside [1, rank].</exception>
    /// <exception cref="TensorShapeException"><paramref name="gamma"/> or <paramref name="beta"/> is not shaped like the trailing block.</exception>
    /// <exception cref="ArgumentException"><paramref name="eps"/> is not positive and finite.</exception>
    public static Tensor LayerNorm(Tensor x, int normalizedDims, Tensor? gamma, Tensor? beta, float eps = 1e-5f)
    {
        if (normalizedDims < 1 || normalizedDims > x.Rank)
        {
            throw new ArgumentOutOfRangeException(nameof(normalizedDims), $"LayerNorm: normalizedDims {normalizedDims} is out of range for input of shape {x.Shape}; expected 1..{x.Rank}.");
        }

        if (!(eps > 0f) || !float.IsFinite(eps))
        {
            throw new ArgumentException($"LayerNorm: eps {eps} must be positive and finite.", nameof(eps));
        }

        var lead = x.Rank - normalizedDims;
        var blockShape = new Shape(x.Shape.Dims[lead..]);
        foreach (var (name, t) in new[] { ("gamma", gamma), ("beta", beta) })
        {
            if (t is not null && t.Shape != blockShape)
            {
                throw new TensorShapeException("LayerNorm", $"{name} has shape {t.Shape} for input {x.Shape} with normalizedDims {normalizedDims}; expected {blockShape}.");
            }
        }

        var d = blockShape.Size;
        var rows = x.Shape.SizeOf(0, lead);
        var src = x.Data;
        var mean = Tensor.Buffer(rows);
        var invStd = Tensor.Buffer(rows);
        var result = Tensor.Alloc(x.Shape);
        var y = result.Data;
        var gammaData = gamma?.Data;
        var betaData = beta?.Data;
        if (d > 0)
        {
            Parallelism.For(rows, (long)d * 6, (start, end) =>
            {
                for (var r = start; r < end; r++)
                {
                    var xs = src.AsSpan(r * d, d);
                    var ys = y.AsSpan(r * d, d);
                    var mu = (float)((double)TensorPrimitives.Sum(xs) / d);
                    TensorPrimitives.Subtract(xs, mu, ys);
                    var variance = (double)TensorPrimitives.SumOfSquares(ys) / d;
                    var istd = (float)(1.0 / Math.Sqrt(variance + eps));
                    mean[r] = mu;
                    invStd[r] = istd;
                    TensorPrimitives.Multiply(ys, istd, ys);
                    if (gammaData is not null)
                    {
                        TensorPrimitives.Multiply(ys, gammaData, ys);
                    }

                    if (betaData is not null)
                    {
                        TensorPrimitives.Add(ys, betaData, ys);
                    }
                }
            });
        }

        var inputs = new List<Tensor> { x };
        var gammaIndex = gamma is null ? -1 : inputs.Count;
        if (gamma is not null)
        {
            inputs.Add(gamma);
        }

        var betaIndex = beta is null ? -1 : inputs.Count;
        if (beta is not null)
        {
            inputs.Add(beta);
        }

        return Autodiff.Record(result, "LayerNorm", [.. inputs], (g, needs) =>
        {
            var gd = g.Data;
            var needGamma = gammaIndex >= 0 && needs[gammaIndex];
            var needBeta = betaIndex >= 0 && needs[betaIndex];
            var grads = new Tensor?[inputs.Count];
            if (needs[0])
            {
                var dx = Tensor.Buffer(src.Length);
                if (d > 0)
                {
                    Parallelism.For(rows, (long)d * 8, (start, end) =>
                    {
                        var xhat = new float[d];
                        var gh = new float[d];
                        for (var r = start; r < end; r++)
                        {
                            var istd = invStd[r];
                            TensorPrimitives.Subtract(src.AsSpan(r * d, d), mean[r], xhat);
                            TensorPrimitives.Multiply(xhat, istd, xhat);
                            var gs = gd.AsSpan(r * d, d);
                            if (gammaData is not null)
                            {
                                TensorPrimitives.Multiply(gs, gammaData, gh);
                            }
                            else
                            {
                                gs.CopyTo(gh);
                            }

                            var meanG = (float)((double)TensorPrimitives.Sum(gh) / d);
                            var meanGx = (float)((double)TensorPrimitives.Dot(gh, xhat) / d);

                            // dx = istd · (ĝ − meanG − x̂ · meanGx)
                            var ds = dx.AsSpan(r * d, d);
                            TensorPrimitives.MultiplyAdd(xhat, -meanGx, gh, ds);
                            TensorPrimitives.Subtract(ds, meanG, ds);
                            TensorPrimitives.Multiply(ds, istd, ds);
                        }
                    });
                }

                grads[0] = new Tensor(dx, x.Shape);
            }

            if (needGamma || needBeta)
            {
                // Summed over rows serially so the result does not depend on the thread count.
                var dGamma = Tensor.Buffer(d);
                var dBeta = Tensor.Buffer(d);
                var xhat = new float[d];
                for (var r = 0; r < rows; r++)
                {
                    var gs = gd.AsSpan(r * d, d);
                    if (needGamma)
                    {
                        TensorPrimitives.Subtract(src.AsSpan(r * d, d), mean[r], xhat);
                        TensorPrimitives.Multiply(xhat, invStd[r], xhat);
                        TensorPrimitives.MultiplyAdd(gs, xhat, dGamma, dGamma);
                    }

                    if (needBeta)
                    {
                        TensorPrimitives.Add(dBeta, gs, dBeta);
                    }
                }

                if (needGamma)
                {
                    grads[gammaIndex] = new Tensor(dGamma, blockShape);
                }

                if (needBeta)
                {
                    grads[betaIndex] = new Tensor(dBeta, blockShape);
                }
            }

            return grads;
        });
    }

    /// <summary>
    /// Inverted dropout: in training, zeroes each element with probability <paramref name="p"/>
    /// and scales the survivors by <c>1/(1 − p)</c>; otherwise the identity.
    /// </summary>
    /// <remarks>
    /// <c>y = x ⊙ mask</c>, <c>mask_i = 1/(1 − p)</c> if <c>u_i ≥ p</c> else 0, with
    /// <c>u_i</c> uniform in [0, 1) drawn from <paramref name="rng"/> in row-major order (so the
    /// mask is reproducible from the generator's state); <c>∂x = g ⊙ mask</c>. When
    /// <paramref name="training"/> is false or <paramref name="p"/> is 0 the input itself is returned
    /// and <paramref name="rng"/> is not advanced.
    /// </remarks>
    /// <param name="x">Input of any shape.</param>
    /// <param name="p">Drop probability, in [0, 1).</param>
    /// <param name="training">Apply dropout (true) or return the input (false).</param>
    /// <param name="rng">Source of the mask.</param>
    /// <returns>The masked, rescaled tensor (or <paramref name="x"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, float p, bool training, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p {p} is outside [0, 1) (input shape {x.Shape}).");
        }

        if (!training || p == 0f)
        {
            return x;
        }

        var scale = 1f / (1f - p);
        var mask = Tensor.Buffer(x.Size);
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = rng.NextDouble() >= p ? scale : 0f;
        }

        var result = Tensor.Alloc(x.Shape);
        TensorPrimitives.Multiply(x.Data, mask, result.Data);
        return Autodiff.Record(result, "Dropout", [x], (g, _) =>
        {
            var dx = Tensor.Buffer(mask.Length);
            TensorPrimitives.Multiply(g.Data, mask, dx);
            return [new Tensor(dx, x.Shape)];
        });
    }
}

/// <summary>Validation shared by the normalisation ops.</summary>
internal static class NormKernels
{
    public static void RequireVector(string op, string name, Tensor? t, int channels, Shape input)
    {
        if (t is not null && (t.Rank != 1 || t.Size != channels))
        {
            throw new TensorShapeException(op, $"{name} has shape {t.Shape} for input {input} with C = {channels} channels; expected [{channels}].");
        }
    }
}
