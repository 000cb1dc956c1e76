using Gauntlet.Tensors;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// A k×k median filter per channel, edges replicated: Xu et al.'s median smoothing squeezer (2×2)
/// and ART's spatial smoothing (3×3). The window covers rows <c>i − ⌊(k−1)/2⌋ … i + ⌈(k−1)/2⌉</c>
/// (likewise columns), and the median of its k² values is the element of rank ⌊k²/2⌋ in ascending
/// order (for even k², the upper middle, as scipy's <c>median_filter</c>).
/// </summary>
/// <remarks>
/// Each output is one of the inputs, so the exact derivative routes each output's gradient to the
/// input it selected (among equal values, the one the sort puts at the median rank; deterministic).
/// </remarks>
public sealed class MedianFilter : IInputTransform
{
    /// <summary>Creates the filter.</summary>
    /// <param name="window">Side k of the window, 2 to 7.</param>
    /// <param name="name">Name in reports (<c>median</c> or <c>spatial-smoothing</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is outside 2..7.</exception>
    public MedianFilter(int window, string name = "median")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, 7);
        Window = window;
        Name = name;
    }

    /// <summary>Side k of the window.</summary>
    public int Window { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Settings => $"{Window}×{Window} window";

    /// <inheritdoc />
    public bool IsRandomized => false;

    /// <inheritdoc />
    public bool IsDifferentiable => true;

    /// <inheritdoc />
    public TransformedInput Apply(Tensor x, Rng rng)
    {
        var (n, c, h, w) = ImageBatch.Dims(x, Name);
        var source = x.Detach().ToArray();
        var output = new float[source.Length];
        var selected = new int[source.Length];
        var before = (Window - 1) / 2;
        var count = Window * Window;
        Parallel.For(0, n * c, plane =>
        {
            var values = new float[count];
            var indices = new int[count];
            var offset = plane * h * w;
            for (var i = 0; i < h; i++)
            {
                for (var j = 0; j < w; j++)
                {
                    var k = 0;
                    for (var di = 0; di < Window; di++)
                    {
                        var r = Math.Clamp(i - before + di, 0, h - 1);
                        for (var dj = 0; dj < Window; dj++)
                        {
                            var col = Math.Clamp(j - before + dj, 0, w - 1);
                            indices[k] = offset + (r * w) + col;
                            values[k] = source[indices[k]];
                            k++;
                        }
                    }

                    // Array.Sort is deterministic for the same window, so the routing below is reproducible.
                    Array.Sort(values, indices);
                    var at = offset + (i * w) + j;
                    output[at] = values[count / 2];
                    selected[at] = indices[count / 2];
                }
            }
        });

        return new TransformedInput(Tensor.FromArray(output, x.Shape), upstream =>
        {
            var g = upstream.ReadOnlySpan;
            var result = new float[g.Length];
            for (var i = 0; i < g.Length; i++)
            {
                result[selected[i]] += g[i];
            }

            return Tensor.FromArray(result, x.Shape);
        });
    }
}
