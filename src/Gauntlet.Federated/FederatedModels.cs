using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;

namespace Gauntlet.Federated;

/// <summary>The architecture the federation trains: small enough to ship every round.</summary>
public static class FederatedModels
{
    /// <summary>
    /// Flatten, linear D→<paramref name="hidden"/>, ReLU, linear <paramref name="hidden"/>→K, for
    /// images of <paramref name="sampleShape"/> (C, H, W), initialised from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">hidden or classes is below 1 or 2.</exception>
    public static Sequential Mlp(IReadOnlyList<int> sampleShape, int classes, int hidden, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        var features = sampleShape.Aggregate(1, (a, b) => a * b);
        var rng = new Rng(seed);
        return new Sequential(new Flatten(), new Linear(features, hidden, rng), new Relu(), new Linear(hidden, classes, rng));
    }
}
