using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Attacks.Training;

/// <summary>
/// An <see cref="IClassifier"/> over a model that is being trained. Unlike
/// <see cref="ModuleClassifier"/> it neither changes the model's mode nor freezes its parameters
/// (the trainer owns both); input gradients come from <c>Autodiff.Grad</c>, which leaves
/// the parameters' gradients untouched. No normalisation: the trainer feeds the model directly.
/// </summary>
internal sealed class TrainingClassifier(Module model, Shape sampleShape, InputRange inputRange) : IClassifier
{
    private int? _classCount;
    private long _queries;

    public Shape SampleShape { get; } = sampleShape;

    // Read only by attacks that rank classes (APGD-T, the black-box ones); one sample's forward pass
    // in evaluation mode answers it without touching batch-norm statistics or any random stream.
    public int ClassCount => _classCount ??= ClassCountOf(model, SampleShape);

    public InputRange InputRange { get; } = inputRange;

    public long QueryCount => _queries;

    public Tensor Predict(Tensor batch)
    {
        _queries += batch.Dim(0);
        using (TensorScope.Begin())
        using (GradMode.NoGrad())
        {
            return model.Forward(batch).Clone();
        }
    }

    public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss)
    {
        _queries += batch.Dim(0);
        using (TensorScope.Begin())
        {
            var x = batch.Detach().RequireGrad();
            var logits = model.Forward(x);
            var gradient = Autodiff.Grad(loss(logits, labels), x);
            return (gradient.Clone(), logits.Clone());
        }
    }

    private static int ClassCountOf(Module model, Shape sampleShape)
    {
        using var scope = GradMode.NoGrad();
        return model.Forward(Tensor.Zeros([1, .. sampleShape.ToArray()])).Dim(1);
    }
}
