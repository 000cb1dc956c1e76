namespace Gauntlet.Tensors.Nn;

/// <summary>2-D convolution over NCHW input; weight <c>[Cout, Cin/groups, k, k]</c>, PyTorch's default initialisation.</summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer with weights drawn from <paramref name="rng"/>.</summary>
    /// <exception cref="ArgumentException">Channels are not positive or not divisible by <paramref name="groups"/>.</exception>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Conv2d: in {inChannels}, out {outChannels}, kernel {kernelSize}, groups {groups}; expected positive values with both channel counts divisible by groups.");
        }

        Geometry = Conv2dGeometry.Symmetric(stride, padding, dilation, groups);
        Weight = RegisterParameter("weight", Tensor.Zeros(outChannels, inChannels / groups, kernelSize, kernelSize));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(outChannels)) : null;
        Init.PyTorchDefault(Weight, Bias, rng);
    }

    /// <summary>Stride, padding, dilation and groups.</summary>
    public Conv2dGeometry Geometry { get; }

    /// <summary>Weight <c>[Cout, Cin/groups, kH, kW]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[Cout]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.Conv2d(input, Weight, Bias, Geometry);
}
