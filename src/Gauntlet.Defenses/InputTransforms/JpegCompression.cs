using Gauntlet.Tensors;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// JPEG-style compression (Dziugaite et al. 2016; Guo et al. 2018), written here rather than taken
/// from an image codec because the defense needs only its lossy core, on float tensors, and no
/// served .NET package exposes that: per channel, the image is padded to a multiple of 8 by edge
/// replication, mapped to <c>255·x − 128</c>, split into 8×8 blocks, each transformed by the
/// orthonormal 2-D DCT-II, divided by the standard JPEG luminance table scaled to the quality as
/// libjpeg does (<c>s = q &lt; 50 ? 5000/q : 200 − 2q</c>, entries <c>clamp(⌊(T·s + 50)/100⌋, 1, 255)</c>),
/// rounded, multiplied back, inverted and cropped; values are clipped to [0, 1]. No chroma
/// subsampling or entropy coding (both lossless or irrelevant to a single channel).
/// </summary>
/// <remarks>The rounding makes the map piecewise constant: its derivative is zero almost everywhere.</remarks>
public sealed class JpegCompression : IInputTransform
{
    private static readonly int[] Luminance =
    [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ];

    // cos((2x + 1)uπ / 16) · c(u), c(0) = √(1/8), c(u > 0) = √(2/8): the orthonormal DCT-II basis.
    private static readonly double[,] Basis = BuildBasis();

    private readonly double[] _table;

    /// <summary>Creates the compressor.</summary>
    /// <param name="quality">JPEG quality 1..100 (lower is coarser).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1..100.</exception>
    public JpegCompression(int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        Quality = quality;
        _table = QuantisationTable(quality);
    }

    /// <summary>JPEG quality.</summary>
    public int Quality { get; }

    /// <inheritdoc />
    public string Name => "jpeg";

    /// <inheritdoc />
    public string Settings => $"quality {Quality}";

    /// <inheritdoc />
    public bool IsRandomized => false;

    /// <inheritdoc />
    public bool IsDifferentiable => false;

    /// <summary>The 64 quantisation steps for <paramref name="quality"/>, row-major.</summary>
    public static double[] QuantisationTable(int quality)
    {
        var scale = quality < 50 ? 5000 / quality : 200 - (2 * quality);
        return [.. Luminance.Select(t => (double)Math.Clamp(((t * scale) + 50) / 100, 1, 255))];
    }

    /// <inheritdoc />
    public TransformedInput Apply(Tensor x, Rng rng)
    {
        var (n, c, h, w) = ImageBatch.Dims(x, Name);
        var source = x.Detach().ToArray();
        var output = new float[source.Length];
        var blocksDown = (h + 7) / 8;
        var blocksAcross = (w + 7) / 8;
        Parallel.For(0, n * c, plane =>
        {
            var offset = plane * h * w;
            var block = new double[64];
            var coefficients = new double[64];
            for (var by = 0; by < blocksDown; by++)
            {
                for (var bx = 0; bx < blocksAcross; bx++)
                {
                    for (var i = 0; i < 8; i++)
                    {
                        var r = Math.Min((by * 8) + i, h - 1);
                        for (var j = 0; j < 8; j++)
                        {
                            var col = Math.Min((bx * 8) + j, w - 1);
                            block[(i * 8) + j] = (255.0 * source[offset + (r * w) + col]) - 128.0;
                        }
                    }

                    Transform(block, coefficients, inverse: false);
                    for (var k = 0; k < 64; k++)
                    {
                        coefficients[k] = Math.Round(coefficients[k] / _table[k], MidpointRounding.AwayFromZero) * _table[k];
                    }

                    Transform(coefficients, block, inverse: true);
                    for (var i = 0; i < 8 && (by * 8) + i < h; i++)
                    {
                        for (var j = 0; j < 8 && (bx * 8) + j < w; j++)
                        {
                            output[offset + (((by * 8) + i) * w) + (bx * 8) + j] = (float)Math.Clamp((block[(i * 8) + j] + 128.0) / 255.0, 0.0, 1.0);
                        }
                    }
                }
            }
        });

        return new TransformedInput(Tensor.FromArray(output, x.Shape), ImageBatch.ZeroBackward(x.Shape));
    }

    /// <summary>The separable 2-D DCT-II of an 8×8 block (or its inverse, the transpose).</summary>
    internal static void Transform(double[] input, double[] output, bool inverse)
    {
        Span<double> temp = stackalloc double[64];
        // Rows, then columns: Y = B·X·Bᵀ forward, X = Bᵀ·Y·B inverse.
        for (var i = 0; i < 8; i++)
        {
            for (var u = 0; u < 8; u++)
            {
                double sum = 0;
                for (var j = 0; j < 8; j++)
                {
                    sum += input[(i * 8) + j] * (inverse ? Basis[j, u] : Basis[u, j]);
                }

                temp[(i * 8) + u] = sum;
            }
        }

        for (var v = 0; v < 8; v++)
        {
            for (var u = 0; u < 8; u++)
            {
                double sum = 0;
                for (var i = 0; i < 8; i++)
                {
                    sum += temp[(i * 8) + u] * (inverse ? Basis[i, v] : Basis[v, i]);
                }

                output[(v * 8) + u] = sum;
            }
        }
    }

    private static double[,] BuildBasis()
    {
        var basis = new double[8, 8];
        for (var u = 0; u < 8; u++)
        {
            var scale = u == 0 ? Math.Sqrt(1.0 / 8) : Math.Sqrt(2.0 / 8);
            for (var x = 0; x < 8; x++)
            {
                basis[u, x] = scale * Math.Cos(((2 * x) + 1) * u * Math.PI / 16);
            }
        }

        return basis;
    }
}
