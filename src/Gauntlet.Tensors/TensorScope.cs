namespace Gauntlet.Tensors;

/// <summary>
/// A region on the current thread in which the storage of operation results comes from a shared
/// buffer pool and goes back to it when the region ends, so a repeated computation (an attack
/// step: forward, loss, backward) allocates almost no managed memory once warm.
/// </summary>
/// <remarks>
/// <para>Inside a scope, every tensor that <see cref="Ops"/>, <see cref="Losses"/> or
/// <see cref="Autograd.Autodiff"/> produces (and every view of one, such as a reshape or
/// <see cref="Tensor.Detach"/>) is owned by the scope. <see cref="Dispose"/> returns the storage to
/// the pool and marks those tensors released: any later access to their values throws
/// <see cref="ObjectDisposedException"/>, so a use after return is an error, never silent
/// corruption. Keep a result past the scope with <see cref="Tensor.Clone"/> or
/// <see cref="Tensor.ToArray"/>, which copy to ordinary managed memory.</para>
/// <para>Factories (<see cref="Tensor.Zeros(int[])"/>, <see cref="Tensor.FromArray(float[], int[])"/>, ...), parameters,
/// gradients accumulated into <see cref="Tensor.Grad"/> by <see cref="Tensor.Backward"/> and tensors
/// created before the scope are never owned by it. Scopes nest and are per thread; dispose them in
/// reverse order on the thread that began them.</para>
/// </remarks>
/// <example><code>
/// using (TensorScope.Begin())
/// {
///     var loss = Losses.CrossEntropy(model.Forward(x), labels);
///     Autodiff.Grad(loss, x).ReadOnlySpan.CopyTo(gradient);
/// }
/// </code></example>
public readonly struct TensorScope : IDisposable
{
    [ThreadStatic]
    private static List<Frame>? t_frames;

    [ThreadStatic]
    private static int t_depth;

    private readonly Frame? _frame;
    private readonly long _generation;

    private TensorScope(Frame frame)
    {
        _frame = frame;
        _generation = frame.Generation;
    }

    /// <summary>Whether a scope is active on the current thread.</summary>
    public static bool IsActive => t_depth > 0;

    /// <summary>Bytes of released storage the pool keeps for reuse, all threads together.</summary>
    public static long PooledBytes => BufferPool.RetainedBytes;

    /// <summary>
    /// Most bytes the pool keeps for reuse (default 1 GiB); storage returned beyond it is left to
    /// the garbage collector.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative value.</exception>
    public static long PoolLimitBytes
    {
        get => BufferPool.LimitBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            BufferPool.LimitBytes = value;
        }
    }

    /// <summary>Begins a scope on the current thread; dispose it to return its storage.</summary>
    public static TensorScope Begin()
    {
        var frames = t_frames ??= [];
        if (t_depth == frames.Count)
        {
            frames.Add(new Frame());
        }

        var frame = frames[t_depth++];
        frame.Generation++;
        return new TensorScope(frame);
    }

    /// <summary>Empties the pool, leaving its buffers to the garbage collector.</summary>
    public static void TrimPool() => BufferPool.Clear();

    /// <summary>
    /// Ends the scope: the tensors it owns are released and their storage returns to the pool.
    /// Disposing a default or already-disposed scope does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">An inner scope is still active, or the scope belongs to another thread.</exception>
    public void Dispose()
    {
        if (_frame is null || _frame.Generation != _generation || _frame.Disposed == _generation)
        {
            return;
        }

        var frames = t_frames;
        if (frames is null || t_depth == 0 || !ReferenceEquals(frames[t_depth - 1], _frame))
        {
            throw new InvalidOperationException("TensorScope: scopes must be disposed in reverse order, on the thread that began them.");
        }

        _frame.Disposed = _generation;
        t_depth--;
        _frame.Release();
    }

    /// <summary>Storage for an operation's result: pooled and owned by the innermost scope when one is active.</summary>
    internal static float[] Rent(int size, bool zero)
    {
        if (t_depth == 0 || size == 0)
        {
            return size == 0 ? [] : zero ? new float[size] : GC.AllocateUninitializedArray<float>(size);
        }

        var array = BufferPool.RentFloats(size);
        if (zero)
        {
            Array.Clear(array);
        }

        t_frames![t_depth - 1].Own(array);
        return array;
    }

    /// <summary>Integer scratch (e.g. pooling argmax) that lives as long as the innermost scope.</summary>
    internal static int[] RentInts(int size)
    {
        if (t_depth == 0 || size == 0)
        {
            return size == 0 ? [] : GC.AllocateUninitializedArray<int>(size);
        }

        var array = BufferPool.RentInts(size);
        t_frames![t_depth - 1].Ints.Add(array);
        return array;
    }

    /// <summary>Registers <paramref name="tensor"/> with the scope that owns <paramref name="data"/>, if any.</summary>
    internal static void Track(Tensor tensor, float[] data)
    {
        var frames = t_frames;
        for (var i = t_depth - 1; i >= 0; i--)
        {
            if (frames![i].Owns(data))
            {
                frames[i].Tensors.Add(tensor);
                return;
            }
        }
    }

    private sealed class Frame
    {
        private readonly HashSet<float[]> _owned = new(ReferenceEqualityComparer.Instance);
        private readonly List<float[]> _floats = [];

        public long Generation { get; set; }

        public long Disposed { get; set; }

        public List<int[]> Ints { get; } = [];

        public List<Tensor> Tensors { get; } = [];

        public void Own(float[] array)
        {
            _owned.Add(array);
            _floats.Add(array);
        }

        public bool Owns(float[] array) => _owned.Contains(array);

        public void Release()
        {
            foreach (var t in Tensors)
            {
                t.MarkReleased();
            }

            Tensors.Clear();
            foreach (var a in _floats)
            {
                BufferPool.Return(a);
            }

            foreach (var a in Ints)
            {
                BufferPool.Return(a);
            }

            _floats.Clear();
            _owned.Clear();
            Ints.Clear();
        }
    }
}

/// <summary>Released arrays kept for reuse, keyed by exact length; shared by all threads.</summary>
internal static class BufferPool
{
    private static readonly Dictionary<int, Stack<float[]>> s_floats = [];
    private static readonly Dictionary<int, Stack<int[]>> s_ints = [];
    private static readonly Lock s_lock = new();
    private static long s_retained;

    public static long LimitBytes { get; set; } = 1L << 30;

    public static long RetainedBytes
    {
        get
        {
            lock (s_lock)
            {
                return s_retained;
            }
        }
    }

    public static float[] RentFloats(int size) => Take(s_floats, size) ?? GC.AllocateUninitializedArray<float>(size);

    public static int[] RentInts(int size) => Take(s_ints, size) ?? GC.AllocateUninitializedArray<int>(size);

    public static void Return(float[] array) => Put(s_floats, array);

    public static void Return(int[] array) => Put(s_ints, array);

    public static void Clear()
    {
        lock (s_lock)
        {
            s_floats.Clear();
            s_ints.Clear();
            s_retained = 0;
        }
    }

    private static T[]? Take<T>(Dictionary<int, Stack<T[]>> pool, int size)
    {
        lock (s_lock)
        {
            if (pool.TryGetValue(size, out var stack) && stack.TryPop(out var array))
            {
                s_retained -= (long)size * 4;
                return array;
            }
        }

        return null;
    }

    private static void Put<T>(Dictionary<int, Stack<T[]>> pool, T[] array)
    {
        var bytes = (long)array.Length * 4;
        lock (s_lock)
        {
            if (s_retained + bytes > LimitBytes)
            {
                return;
            }

            if (!pool.TryGetValue(array.Length, out var stack))
            {
                stack = new Stack<T[]>();
                pool[array.Length] = stack;
            }

            stack.Push(array);
            s_retained += bytes;
        }
    }
}
