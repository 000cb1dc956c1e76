namespace Gauntlet.Tensors.Nn;

/// <summary>2-D transposed convolution over NCHW input; weight <c>[Cin, Cout/groups, k, k]</c>.</summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary>Creates the layer with weights drawn from <paramref name="rng"/>.</summary>
    /// <exception cref="ArgumentException">Channels are not positive or not divisible by <paramref name="groups"/>.</exception>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"ConvTranspose2d: in {inChannels}, out {outChannels}, kernel {kernelSize}, groups {groups}; expected positive values with both channel counts divisible by groups.");
        }

        Geometry = ConvTranspose2dGeometry.Symmetric(stride, padding, outputPadding, dilation, groups);
        Weight = RegisterParameter("weight", Tensor.Zeros(inChannels, outChannels / groups, kernelSize, kernelSize));
        Bias = bias ? RegisterParameter("bias", Tensor.Zeros(outChannels)) : null;

        // PyTorch computes fan-in from dimension 1 of this weight, i.e. Cout/groups·k·k.
        Init.PyTorchDefault(Weight, Bias, rng);
    }

    /// <summary>Stride, padding, output padding, dilation and groups.</summary>
    public ConvTranspose2dGeometry Geometry { get; }

    /// <summary>Weight <c>[Cin, Cout/groups, kH, kW]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[Cout]</c>, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Ops.ConvTranspose2d(input, Weight, Bias, Geometry);
}
