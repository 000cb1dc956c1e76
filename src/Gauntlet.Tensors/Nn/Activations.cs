namespace Gauntlet.Tensors.Nn;

/// <summary>Flattens all dimensions after the first: <c>[N, ...] → [N, Π...]</c>.</summary>
public sealed class Flatten : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Flatten(input, 1);
}

/// <summary>Rectified linear unit, <c>max(x, 0)</c> (gradient 0 at 0).</summary>
public sealed class Relu : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Relu(input);
}

/// <summary>Leaky ReLU with negative slope <c>Slope</c>.</summary>
public sealed class LeakyRelu(float slope = 0.01f) : Module
{
    /// <summary>The negative slope.</summary>
    public float Slope { get; } = slope;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.LeakyRelu(input, Slope);
}

/// <summary>Logistic sigmoid.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Sigmoid(input);
}

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Tanh(input);
}

/// <summary>Gaussian error linear unit (exact erf form, or the tanh approximation).</summary>
public sealed class Gelu(bool tanhApproximation = false) : Module
{
    /// <summary>Whether the tanh approximation is used.</summary>
    public bool TanhApproximation { get; } = tanhApproximation;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Gelu(input, TanhApproximation);
}

/// <summary>Softmax along an axis (default the last).</summary>
public sealed class Softmax(int axis = -1) : Module
{
    /// <summary>The axis normalised over.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Softmax(input, Axis);
}

/// <summary>Log-softmax along an axis (default the last).</summary>
public sealed class LogSoftmax(int axis = -1) : Module
{
    /// <summary>The axis normalised over.</summary>
    public int Axis { get; } = axis;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.LogSoftmax(input, Axis);
}
