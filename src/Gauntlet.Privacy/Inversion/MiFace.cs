using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Inversion;

/// <summary>Settings of <see cref="MiFace.Run"/>.</summary>
/// <param name="Steps">α, gradient steps per class.</param>
/// <param name="StepSize">λ, the step in input units (see <see cref="MiFace"/> for the scaling).</param>
/// <param name="Denoise">Weight β of the denoising step after each gradient step: <c>x ← (1 − β)·x + β·blur₃ₓ₃(x)</c>; 0 turns it off.</param>
/// <param name="StopCost">γ: a class stops improving once its cost <c>1 − p_c</c> is at most this.</param>
/// <param name="Start">The value every pixel starts at (MI-Face starts from a blank image).</param>
public sealed record InversionOptions(int Steps = 300, float StepSize = 0.1f, float Denoise = 0f, double StopCost = 1e-3, float Start = 0f);

/// <summary>One class's reconstruction.</summary>
/// <param name="Class">The class inverted.</param>
/// <param name="Image">The reconstruction <c>[C, H, W]</c> in the model's input range.</param>
/// <param name="Confidence">The model's softmax probability of the class on the reconstruction.</param>
/// <param name="StepsTaken">Steps until the cost reached γ, or <see cref="InversionOptions.Steps"/>.</param>
/// <param name="NearestSameClassL2">L2 distance to the closest reference image of the class, or null when the reference data hold none.</param>
/// <param name="NearestClass">The class of the closest reference image of any class, or null without reference data.</param>
/// <param name="MeanSameClassL2">Mean L2 distance to the reference images of the class (a yardstick for <paramref name="NearestSameClassL2"/>), or null.</param>
public sealed record ClassReconstruction(int Class, Tensor Image, double Confidence, int StepsTaken, double? NearestSameClassL2, int? NearestClass, double? MeanSameClassL2);

/// <summary>
/// MI-Face model inversion (Fredrikson, Jha and Ristenpart 2015, "Model Inversion Attacks that
/// Exploit Confidence Information"): gradient descent on the input to minimise the cost
/// <c>c(x) = 1 − p_c(x)</c>, from a blank image, with an optional denoising step, keeping the
/// lowest-cost image. All classes are inverted together, one batch per step.
/// </summary>
/// <remarks>
/// The gradient of <c>1 − p_c</c> vanishes where the softmax saturates, so each step is the
/// gradient divided by its largest absolute entry, times λ: <c>x ← clip(x − λ·g/‖g‖∞)</c>; the
/// input range clips every step. How recognisable a reconstruction is: the victim's confidence in
/// it, and its L2 distance to the nearest reference (training) image of the class against the mean
/// distance to that class's images and the class of the nearest image overall.
/// </remarks>
public static class MiFace
{
    /// <summary>Inverts <paramref name="classes"/> of <paramref name="model"/>.</summary>
    /// <param name="model">A model with gradients.</param>
    /// <param name="classes">Classes to reconstruct (each in 0 … K − 1).</param>
    /// <param name="options">Steps, step size, denoising, stop cost, start value.</param>
    /// <param name="reference">Training images to measure distances to, or null.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="ArgumentException">No classes, a class out of range, a model without gradients, or bad options.</exception>
    public static IReadOnlyList<ClassReconstruction> Run(IClassifier model, IReadOnlyList<int> classes, InversionOptions options, LabeledImages? reference = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(options);
        if (classes.Count == 0 || classes.Any(c => c < 0 || c >= model.ClassCount))
        {
            throw new ArgumentException($"classes to invert must lie in 0..{model.ClassCount - 1}; got [{string.Join(", ", classes)}].", nameof(classes));
        }

        if (!model.HasGradients)
        {
            throw new ArgumentException("MI-Face needs the model's gradients; this model answers queries only.", nameof(model));
        }

        if (options.Steps < 1 || !(options.StepSize > 0) || !(options.Denoise >= 0 && options.Denoise <= 1))
        {
            throw new ArgumentException($"inversion: {options.Steps} steps, step size {options.StepSize}, denoise {options.Denoise}; expected at least 1 step, a positive step and a denoise weight in [0, 1].", nameof(options));
        }

        var shape = model.SampleShape.ToArray();
        var per = shape.Aggregate(1, (a, b) => a * b);
        var n = classes.Count;
        var labels = classes.ToArray();
        var range = model.InputRange;
        var x = new float[n * per];
        Array.Fill(x, Math.Clamp(options.Start, range.Min, range.Max));
        var best = (float[])x.Clone();
        var bestCost = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var stepsTaken = Enumerable.Repeat(options.Steps, n).ToArray();
        var done = new bool[n];
        var dims = new[] { n }.Concat(shape).ToArray();
        for (var step = 0; step < options.Steps && !done.All(d => d); step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Σ −p_c: its gradient is that of Σ (1 − p_c), and the Nll of probabilities is −p_y.
            var (gradient, logits) = model.LossGradient(Tensor.FromArray((float[])x.Clone(), dims), labels, (z, y) => Losses.Nll(Ops.Softmax(z, 1), y, Reduction.Sum));
            var costs = Costs(logits, labels);
            var g = gradient.ReadOnlySpan;
            for (var i = 0; i < n; i++)
            {
                if (done[i])
                {
                    continue;
                }

                if (costs[i] < bestCost[i])
                {
                    bestCost[i] = costs[i];
                    Array.Copy(x, i * per, best, i * per, per);
                }

                if (costs[i] <= options.StopCost)
                {
                    done[i] = true;
                    stepsTaken[i] = step;
                    continue;
                }

                var scale = 0f;
                for (var p = 0; p < per; p++)
                {
                    scale = Math.Max(scale, Math.Abs(g[(i * per) + p]));
                }

                if (scale > 0)
                {
                    for (var p = 0; p < per; p++)
                    {
                        var at = (i * per) + p;
                        x[at] = Math.Clamp(x[at] - (options.StepSize * g[at] / scale), range.Min, range.Max);
                    }
                }

                if (options.Denoise > 0)
                {
                    Denoise(x.AsSpan(i * per, per), shape, options.Denoise);
                }
            }
        }

        // The last step's image is scored too.
        var final = Costs(model.Predict(Tensor.FromArray((float[])x.Clone(), dims)), labels);
        for (var i = 0; i < n; i++)
        {
            if (!done[i] && final[i] < bestCost[i])
            {
                bestCost[i] = final[i];
                Array.Copy(x, i * per, best, i * per, per);
            }
        }

        var result = new List<ClassReconstruction>();
        for (var i = 0; i < n; i++)
        {
            var image = best[(i * per)..((i + 1) * per)];
            var (nearestSame, nearestClass, meanSame) = reference is null ? (null, null, null) : Distances(image, labels[i], reference);
            result.Add(new ClassReconstruction(labels[i], Tensor.FromArray(image, shape), 1 - bestCost[i], stepsTaken[i], nearestSame, nearestClass, meanSame));
        }

        return result;
    }

    private static double[] Costs(Tensor logits, int[] labels)
    {
        var k = logits.Dim(1);
        var z = logits.ReadOnlySpan;
        var costs = new double[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var row = z.Slice(i * k, k);
            double max = row[0];
            for (var j = 1; j < k; j++)
            {
                max = Math.Max(max, row[j]);
            }

            double sum = 0;
            for (var j = 0; j < k; j++)
            {
                sum += Math.Exp(row[j] - max);
            }

            costs[i] = 1 - (Math.Exp(row[labels[i]] - max) / sum);
        }

        return costs;
    }

    // x ← (1 − β)·x + β·(3×3 box mean over each channel, edges replicated).
    private static void Denoise(Span<float> x, int[] shape, float beta)
    {
        if (shape.Length != 3)
        {
            return;
        }

        var (c, h, w) = (shape[0], shape[1], shape[2]);
        var source = x.ToArray();
        for (var ch = 0; ch < c; ch++)
        {
            for (var r = 0; r < h; r++)
            {
                for (var col = 0; col < w; col++)
                {
                    float sum = 0;
                    for (var dr = -1; dr <= 1; dr++)
                    {
                        for (var dc = -1; dc <= 1; dc++)
                        {
                            var rr = Math.Clamp(r + dr, 0, h - 1);
                            var cc = Math.Clamp(col + dc, 0, w - 1);
                            sum += source[(ch * h * w) + (rr * w) + cc];
                        }
                    }

                    var at = (ch * h * w) + (r * w) + col;
                    x[at] = ((1 - beta) * source[at]) + (beta * sum / 9f);
                }
            }
        }
    }

    private static (double? NearestSame, int? NearestClass, double? MeanSame) Distances(float[] image, int label, LabeledImages reference)
    {
        var per = image.Length;
        var pixels = reference.Images.ReadOnlySpan;
        double? nearestSame = null;
        var nearestAll = double.PositiveInfinity;
        int? nearestClass = null;
        double sumSame = 0;
        var countSame = 0;
        for (var i = 0; i < reference.Count; i++)
        {
            double d2 = 0;
            var row = pixels.Slice(i * per, per);
            for (var p = 0; p < per; p++)
            {
                var d = image[p] - row[p];
                d2 += d * d;
            }

            var d1 = Math.Sqrt(d2);
            if (d1 < nearestAll)
            {
                nearestAll = d1;
                nearestClass = reference.Labels[i];
            }

            if (reference.Labels[i] == label)
            {
                nearestSame = nearestSame is { } s ? Math.Min(s, d1) : d1;
                sumSame += d1;
                countSame++;
            }
        }

        return (nearestSame, nearestClass, countSame == 0 ? null : sumSame / countSame);
    }
}
