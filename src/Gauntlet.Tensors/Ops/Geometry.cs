namespace Gauntlet.Tensors;

/// <summary>
/// Geometry of a 2-D convolution over NCHW input: strides, explicit (possibly asymmetric)
/// padding as ONNX allows, dilation and groups. Weights are <c>[Cout, Cin/groups, kH, kW]</c>.
/// </summary>
/// <param name="StrideH">Vertical stride (≥ 1).</param>
/// <param name="StrideW">Horizontal stride (≥ 1).</param>
/// <param name="PadTop">Zero rows added above.</param>
/// <param name="PadLeft">Zero columns added on the left.</param>
/// <param name="PadBottom">Zero rows added below.</param>
/// <param name="PadRight">Zero columns added on the right.</param>
/// <param name="DilationH">Vertical dilation (≥ 1).</param>
/// <param name="DilationW">Horizontal dilation (≥ 1).</param>
/// <param name="Groups">Channel groups; <c>Groups = Cin = Cout</c> is a depthwise convolution.</param>
public readonly record struct Conv2dGeometry(
    int StrideH = 1,
    int StrideW = 1,
    int PadTop = 0,
    int PadLeft = 0,
    int PadBottom = 0,
    int PadRight = 0,
    int DilationH = 1,
    int DilationW = 1,
    int Groups = 1)
{
    /// <summary>Stride 1, no padding, no dilation, one group (so <c>new()</c> is valid; <c>default</c> is not).</summary>
    public Conv2dGeometry()
        : this(1, 1, 0, 0, 0, 0, 1, 1, 1)
    {
    }

    /// <summary>PyTorch-style geometry: the same stride, padding and dilation on both axes.</summary>
    public static Conv2dGeometry Symmetric(int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        new(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
}

/// <summary>
/// Geometry of a 2-D transposed convolution. Weights are <c>[Cin, Cout/groups, kH, kW]</c>;
/// output size is <c>(in − 1)·stride − padBefore − padAfter + dilation·(k − 1) + outputPadding + 1</c>.
/// </summary>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="PadTop">Rows removed at the top of the full output.</param>
/// <param name="PadLeft">Columns removed on the left.</param>
/// <param name="PadBottom">Rows removed at the bottom.</param>
/// <param name="PadRight">Columns removed on the right.</param>
/// <param name="DilationH">Vertical dilation.</param>
/// <param name="DilationW">Horizontal dilation.</param>
/// <param name="OutputPaddingH">Extra rows at the bottom (disambiguates strided output size).</param>
/// <param name="OutputPaddingW">Extra columns on the right.</param>
/// <param name="Groups">Channel groups.</param>
public readonly record struct ConvTranspose2dGeometry(
    int StrideH = 1,
    int StrideW = 1,
    int PadTop = 0,
    int PadLeft = 0,
    int PadBottom = 0,
    int PadRight = 0,
    int DilationH = 1,
    int DilationW = 1,
    int OutputPaddingH = 0,
    int OutputPaddingW = 0,
    int Groups = 1)
{
    /// <summary>Stride 1, no padding, no dilation, one group (so <c>new()</c> is valid; <c>default</c> is not).</summary>
    public ConvTranspose2dGeometry()
        : this(1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1)
    {
    }

    /// <summary>PyTorch-style geometry with equal settings on both axes.</summary>
    public static ConvTranspose2dGeometry Symmetric(int stride = 1, int padding = 0, int outputPadding = 0, int dilation = 1, int groups = 1) =>
        new(stride, stride, padding, padding, padding, padding, dilation, dilation, outputPadding, outputPadding, groups);
}

/// <summary>
/// Geometry of a 2-D pooling window over NCHW input.
/// </summary>
/// <param name="KernelH">Window height.</param>
/// <param name="KernelW">Window width.</param>
/// <param name="StrideH">Vertical stride.</param>
/// <param name="StrideW">Horizontal stride.</param>
/// <param name="PadTop">Padding above (−∞ for max pooling, zeros for average pooling).</param>
/// <param name="PadLeft">Padding on the left.</param>
/// <param name="PadBottom">Padding below.</param>
/// <param name="PadRight">Padding on the right.</param>
/// <param name="DilationH">Vertical dilation (max pooling only).</param>
/// <param name="DilationW">Horizontal dilation (max pooling only).</param>
/// <param name="CeilMode">Round the output size up instead of down (windows must start inside the padded input).</param>
/// <param name="CountIncludePad">Average pooling divides by the full window size, padding included.</param>
public readonly record struct Pool2dGeometry(
    int KernelH,
    int KernelW,
    int StrideH,
    int StrideW,
    int PadTop = 0,
    int PadLeft = 0,
    int PadBottom = 0,
    int PadRight = 0,
    int DilationH = 1,
    int DilationW = 1,
    bool CeilMode = false,
    bool CountIncludePad = true)
{
    /// <summary>PyTorch-style square window; stride defaults to the kernel size.</summary>
    public static Pool2dGeometry Square(int kernel, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true) =>
        new(kernel, kernel, stride ?? kernel, stride ?? kernel, padding, padding, padding, padding, 1, 1, ceilMode, countIncludePad);
}

/// <summary>How a loss reduces per-sample values.</summary>
public enum Reduction
{
    /// <summary>Average over samples.</summary>
    Mean,

    /// <summary>Sum over samples.</summary>
    Sum,

    /// <summary>No reduction: one value per sample.</summary>
    None,
}
