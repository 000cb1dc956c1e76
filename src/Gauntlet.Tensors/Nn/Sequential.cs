namespace Gauntlet.Tensors.Nn;

/// <summary>Runs child modules in order; children are named 0, 1, 2, ... as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the chain from <paramref name="layers"/>.</summary>
    public Sequential(params Module[] layers)
    {
        foreach (var layer in layers)
        {
            Add(layer);
        }
    }

    /// <summary>The layers in order.</summary>
    public IReadOnlyList<Module> Layers => _layers;

    /// <summary>Appends a layer.</summary>
    public Sequential Add(Module layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A run of <see cref="Conv2d"/>, <see cref="Relu"/> and a 2×2 stride-2 <see cref="MaxPool2d"/>
    /// (no padding, dilation or ceil mode) runs as <see cref="Ops.Conv2dReluMaxPool2x2"/>: the same
    /// values and gradients without materialising the two intermediate tensors.
    /// </remarks>
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < _layers.Count; i++)
        {
            if (i + 2 < _layers.Count && _layers[i] is Conv2d conv && _layers[i + 1] is Relu && _layers[i + 2] is MaxPool2d pool && IsPlain2x2(pool.Geometry)
                && x.Rank == 4 && x.Dim(1) == conv.Weight.Dim(1) * conv.Geometry.Groups && ConvOutputAtLeast2x2(x, conv))
            {
                x = Ops.Conv2dReluMaxPool2x2(x, conv.Weight, conv.Bias, conv.Geometry);
                i += 2;
                continue;
            }

            x = _layers[i].Forward(x);
        }

        return x;
    }

    private static bool IsPlain2x2(Pool2dGeometry g) =>
        g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0, DilationH: 1, DilationW: 1, CeilMode: false };

    // Smaller outputs (or invalid shapes) take the unfused path, which reports errors per layer.
    private static bool ConvOutputAtLeast2x2(Tensor x, Conv2d conv)
    {
        var g = conv.Geometry;
        long kh = conv.Weight.Dim(2), kw = conv.Weight.Dim(3);
        var oh = (x.Dim(2) + (long)g.PadTop + g.PadBottom - (g.DilationH * (kh - 1)) - 1) / Math.Max(g.StrideH, 1);
        var ow = (x.Dim(3) + (long)g.PadLeft + g.PadRight - (g.DilationW * (kw - 1)) - 1) / Math.Max(g.StrideW, 1);
        return oh >= 1 && ow >= 1;
    }
}
