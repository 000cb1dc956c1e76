using Gauntlet.Tensors.Nn;

namespace Gauntlet.Federated;

/// <summary>
/// A model's trainable parameters as one flat float32 vector, in <see cref="Module.Parameters"/>
/// order: what clients and the server exchange and aggregate.
/// </summary>
/// <remarks>
/// Buffers (batch-norm running statistics) are not part of the vector: federated averaging of
/// running statistics is a choice of its own (FedBN keeps them local), so the federated
/// architectures carry none.
/// </remarks>
public static class ModelVector
{
    /// <summary>Copies the parameters of <paramref name="model"/> into a new vector.</summary>
    public static float[] Read(Module model)
    {
        var parameters = model.Parameters().ToList();
        var vector = new float[parameters.Sum(p => p.Size)];
        var offset = 0;
        foreach (var p in parameters)
        {
            p.ReadOnlySpan.CopyTo(vector.AsSpan(offset));
            offset += p.Size;
        }

        return vector;
    }

    /// <summary>Overwrites the parameters of <paramref name="model"/> with <paramref name="vector"/>.</summary>
    /// <exception cref="ArgumentException">The vector's length is not the model's parameter count.</exception>
    public static void Write(Module model, ReadOnlySpan<float> vector)
    {
        var parameters = model.Parameters().ToList();
        var total = parameters.Sum(p => p.Size);
        if (vector.Length != total)
        {
            throw new ArgumentException($"a vector of {vector.Length} values for a model of {total} parameters.", nameof(vector));
        }

        var offset = 0;
        foreach (var p in parameters)
        {
            vector.Slice(offset, p.Size).CopyTo(p.Span);
            offset += p.Size;
        }
    }
}
