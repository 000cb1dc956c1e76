namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Resolved sizes of one 2-D convolution (NCHW, weights <c>[Cout, Cin/groups, kH, kW]</c>): what the
/// im2col/GEMM kernels need once shapes are validated. A transposed convolution is described by
/// the convolution it is the adjoint of (its output is this convolution's input).
/// </summary>
internal readonly record struct ConvDims(
    int N,
    int Cin,
    int H,
    int W,
    int Cout,
    int KH,
    int KW,
    int OH,
    int OW,
    int SH,
    int SW,
    int PT,
    int PL,
    int DH,
    int DW,
    int Groups)
{
    /// <summary>Input channels per group.</summary>
    public int CinG => Cin / Groups;

    /// <summary>Output channels per group.</summary>
    public int CoutG => Cout / Groups;

    /// <summary>Rows of the im2col matrix of one group: <c>CinG · kH · kW</c>.</summary>
    public int K => CinG * KH * KW;

    /// <summary>Output positions per channel: <c>OH · OW</c> (columns of the im2col matrix).</summary>
    public int P => OH * OW;

    /// <summary>Elements of one input plane.</summary>
    public int InPlane => H * W;

    /// <summary>Elements of one input sample.</summary>
    public int InSample => Cin * H * W;

    /// <summary>Elements of one output sample.</summary>
    public int OutSample => Cout * OH * OW;

    /// <summary>Elements of the weight tensor.</summary>
    public int WeightSize => Cout * K;

    /// <summary>
    /// A 1×1 kernel with unit stride and no padding: the im2col matrix is the input itself.
    /// </summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W;

    /// <summary>Multiply-adds ×2 for one sample, used to decide whether threads pay.</summary>
    public long FlopsPerSample => 2L * Cout * K * P;
}
