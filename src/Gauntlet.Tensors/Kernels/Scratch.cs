namespace Gauntlet.Tensors.Kernels;

/// <summary>
/// Per-thread scratch buffers for kernels (im2col columns and the like), grown on demand and
/// reused across calls so hot kernels do not allocate. A kernel may hold one buffer per slot at a
/// time; contents are unspecified on entry.
/// </summary>
internal static class Scratch
{
    [ThreadStatic]
    private static float[]?[]? t_slots;

    /// <summary>The calling thread's buffer for <paramref name="slot"/> (0–3), at least <paramref name="size"/> elements long.</summary>
    public static Span<float> Get(int slot, int size)
    {
        var slots = t_slots ??= new float[]?[4];
        var buffer = slots[slot];
        if (buffer is null || buffer.Length < size)
        {
            buffer = GC.AllocateUninitializedArray<float>(Math.Max(size, (buffer?.Length ?? 0) * 5 / 4));
            slots[slot] = buffer;
        }

        return buffer.AsSpan(0, size);
    }
}
