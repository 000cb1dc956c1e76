using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Models;

/// <summary>
/// An <see cref="IClassifier"/> over a Gauntlet <see cref="Module"/>, with optional per-channel
/// normalisation <c>(x − mean) / std</c> applied inside, so gradients are taken in the raw input
/// space. The model is put in inference mode and its parameters frozen.
/// </summary>
public sealed class ModuleClassifier : IClassifier
{
    private readonly Module _model;
    private readonly Tensor? _mean;
    private readonly Tensor? _std;
    private long _queries;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    /// <param name="model">The network; it is switched to inference mode and frozen.</param>
    /// <param name="sampleShape">Shape of one input sample.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="inputRange">The valid input domain (default [0, 1]).</param>
    /// <param name="mean">Per-channel means (channel = first sample dimension), or null.</param>
    /// <param name="std">Per-channel standard deviations, or null.</param>
    /// <exception cref="ArgumentException">Mean/std lengths do not match the channel count, a std is not positive and finite, or a mean is not finite.</exception>
    public ModuleClassifier(Module model, Shape sampleShape, int classCount, InputRange? inputRange = null, float[]? mean = null, float[]? std = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        if (sampleShape.Rank == 0)
        {
            throw new ArgumentException("the sample shape must have at least one dimension.", nameof(sampleShape));
        }

        var channels = sampleShape[0];
        if ((mean is null) != (std is null))
        {
            throw new ArgumentException("give both --mean and --std, or neither.", nameof(mean));
        }

        if (mean is not null && std is not null)
        {
            if (mean.Length != channels || std.Length != channels)
            {
                throw new ArgumentException($"{mean.Length} means and {std.Length} stds given for {channels} channels (sample shape {sampleShape}); expected one per channel.", nameof(mean));
            }

            if (std.Any(s => !(s > 0f) || !float.IsFinite(s)))
            {
                throw new ArgumentException($"every std must be positive and finite (got {string.Join(", ", std)}).", nameof(std));
            }

            if (mean.Any(m => !float.IsFinite(m)))
            {
                throw new ArgumentException($"every mean must be finite (got {string.Join(", ", mean)}).", nameof(mean));
            }

            var broadcast = new int[sampleShape.Rank];
            Array.Fill(broadcast, 1);
            broadcast[0] = channels;
            _mean = Tensor.FromArray((float[])mean.Clone(), broadcast);
            _std = Tensor.FromArray((float[])std.Clone(), broadcast);
        }

        _model = model;
        _model.Eval();
        _model.SetRequiresGrad(false);
        SampleShape = sampleShape;
        ClassCount = classCount;
        InputRange = inputRange ?? InputRange.Unit;
    }

    /// <inheritdoc />
    public Shape SampleShape { get; }

    /// <inheritdoc />
    public int ClassCount { get; }

    /// <inheritdoc />
    public InputRange InputRange { get; }

    /// <summary>False for a network without input gradients (a tree ensemble in an ONNX pipeline): white-box attacks and audits skip it. Default: true.</summary>
    public bool HasGradients { get; init; } = true;

    /// <inheritdoc />
    public long QueryCount => Interlocked.Read(ref _queries);

    /// <inheritdoc />
    public Tensor Predict(Tensor batch)
    {
        ValidateBatch(batch, "Predict");
        Interlocked.Add(ref _queries, batch.Dim(0));
        // Intermediates live in a pooled scope; only the logits are copied out.
        using (TensorScope.Begin())
        using (GradMode.NoGrad())
        {
            return Forward(batch).Clone();
        }
    }

    /// <inheritdoc />
    public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss)
    {
        ValidateBatch(batch, "LossGradient");
        if (labels.Length != batch.Dim(0))
        {
            throw new ArgumentException($"LossGradient: {labels.Length} labels for a batch of {batch.Dim(0)}; expected one per sample.", nameof(labels));
        }

        Interlocked.Add(ref _queries, batch.Dim(0));
        // Forward and backward intermediates live in a pooled scope, so a warm attack step
        // allocates little beyond the two results, which are copied out before it ends.
        using (TensorScope.Begin())
        {
            var x = batch.Detach().RequireGrad();
            var logits = Forward(x);
            var value = loss(logits, labels);
            var gradient = Autodiff.Grad(value, x);
            return (gradient.Clone(), logits.Clone());
        }
    }

    private Tensor Forward(Tensor x)
    {
        var input = _mean is null ? x : Ops.Divide(Ops.Subtract(x, _mean), _std!);
        var logits = _model.Forward(input);
        if (logits.Rank != 2 || logits.Dim(1) != ClassCount)
        {
            throw new InvalidDataException($"the model returned shape {logits.Shape}; expected [N, {ClassCount}] logits.");
        }

        return logits;
    }

    private void ValidateBatch(Tensor batch, string op)
    {
        if (batch.Rank != SampleShape.Rank + 1 || !batch.Shape.Dims[1..].SequenceEqual(SampleShape.Dims))
        {
            throw new TensorShapeException(op, $"batch of shape {batch.Shape} does not match the model's sample shape {SampleShape}; expected [N, {string.Join(", ", SampleShape.ToArray())}].");
        }
    }
}
