using Gauntlet.Tensors;

namespace Gauntlet.Defenses.InputTransforms;

/// <summary>
/// Transforms applied in order (Xu et al.'s feature squeezing as one defense: bit depth, then a
/// median filter). The backward pass chains the members' backward passes in reverse.
/// </summary>
public sealed class TransformChain : IInputTransform
{
    /// <summary>Creates the chain.</summary>
    /// <param name="name">The defense's name.</param>
    /// <param name="transforms">At least one transform, applied first to last.</param>
    /// <exception cref="ArgumentException">No transforms.</exception>
    public TransformChain(string name, params IInputTransform[] transforms)
    {
        if (transforms.Length == 0)
        {
            throw new ArgumentException($"{name}: a chain needs at least one transform.", nameof(transforms));
        }

        Name = name;
        Transforms = transforms;
    }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<IInputTransform> Transforms { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Settings => string.Join(", then ", Transforms.Select(t => $"{t.Name} ({t.Settings})"));

    /// <inheritdoc />
    public bool IsRandomized => Transforms.Any(t => t.IsRandomized);

    /// <inheritdoc />
    public bool IsDifferentiable => Transforms.All(t => t.IsDifferentiable);

    /// <inheritdoc />
    public TransformedInput Apply(Tensor x, Rng rng)
    {
        var steps = new List<TransformedInput>();
        var current = x;
        foreach (var transform in Transforms)
        {
            var step = transform.Apply(current, rng);
            steps.Add(step);
            current = step.Output;
        }

        return new TransformedInput(current, upstream =>
        {
            for (var i = steps.Count - 1; i >= 0; i--)
            {
                upstream = steps[i].Backward(upstream);
            }

            return upstream;
        });
    }
}
