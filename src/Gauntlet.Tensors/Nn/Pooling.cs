namespace Gauntlet.Tensors.Nn;

/// <summary>Max pooling over NCHW input (gradient to the first maximum, as in PyTorch).</summary>
public sealed class MaxPool2d(Pool2dGeometry geometry) : Module
{
    /// <summary>Square window; stride defaults to the kernel size.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false)
        : this(Pool2dGeometry.Square(kernelSize, stride, padding, ceilMode))
    {
    }

    /// <summary>The window geometry.</summary>
    public Pool2dGeometry Geometry { get; } = geometry;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.MaxPool2d(input, Geometry);
}

/// <summary>Average pooling over NCHW input.</summary>
public sealed class AvgPool2d(Pool2dGeometry geometry) : Module
{
    /// <summary>Square window; stride defaults to the kernel size.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        : this(Pool2dGeometry.Square(kernelSize, stride, padding, ceilMode, countIncludePad))
    {
    }

    /// <summary>The window geometry.</summary>
    public Pool2dGeometry Geometry { get; } = geometry;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.AvgPool2d(input, Geometry);
}

/// <summary>Global average pooling: <c>[N, C, H, W] → [N, C, 1, 1]</c>.</summary>
public sealed class GlobalAvgPool2d : Module
{
    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.GlobalAvgPool2d(input);
}
