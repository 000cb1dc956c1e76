namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// The input defenses by name, with the settings each is built with: the one list the CLI, the
/// report and the docs read.
/// </summary>
public static class InputDefenses
{
    private static readonly Dictionary<string, (string Citation, Func<IInputTransform> Create)> Table = new(StringComparer.Ordinal)
    {
        ["feature-squeezing"] = ("Xu et al. 2018", () => new TransformChain("feature-squeezing", new BitDepthReduction(4), new MedianFilter(2))),
        ["bit-depth"] = ("Xu et al. 2018", () => new BitDepthReduction(4)),
        ["median"] = ("Xu et al. 2018", () => new MedianFilter(2)),
        ["spatial-smoothing"] = ("Xu et al. 2018; ART SpatialSmoothing", () => new MedianFilter(3, "spatial-smoothing")),
        ["jpeg"] = ("Dziugaite et al. 2016; Guo et al. 2018", () => new JpegCompression(75)),
        ["tvm"] = ("Guo et al. 2018", () => new TotalVariationMinimisation()),
    };

    /// <summary>The names <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Table.Keys];

    /// <summary>Whether <paramref name="name"/> is an input defense.</summary>
    public static bool Contains(string name) => Table.ContainsKey(name);

    /// <summary>The transform called <paramref name="name"/>, with its default settings.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static IInputTransform Create(string name) => Table.TryGetValue(name, out var entry)
        ? entry.Create()
        : throw new ArgumentException($"unknown input defense '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Where the defense comes from.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static string Citation(string name) => Table.TryGetValue(name, out var entry)
        ? entry.Citation
        : throw new ArgumentException($"unknown input defense '{name}'.", nameof(name));
}
