namespace Gauntlet.Tensors;

/// <summary>
/// The one thread-count setting every kernel honours. Work is split into fixed, contiguous
/// chunks that depend only on the problem size and <see cref="ThreadCount"/>, and every
/// reduction keeps a fixed order, so results are identical for any thread count.
/// </summary>
public static class Parallelism
{
    private static int s_threadCount = Environment.ProcessorCount;

    [ThreadStatic]
    private static bool t_insideParallelRegion;

    /// <summary>Maximum number of threads a kernel uses (default: the processor count).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public static int ThreadCount
    {
        get => s_threadCount;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            s_threadCount = value;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, <paramref name="count"/>) in contiguous
    /// chunks, in parallel when the work is large enough and no outer parallel region is active
    /// (regions never nest).
    /// </summary>
    /// <param name="count">Number of work items.</param>
    /// <param name="costPerItem">Rough cost of one item in flops, to decide whether threads pay.</param>
    /// <param name="body">Processes items [start, end).</param>
    public static void For(int count, long costPerItem, Action<int, int> body)
    {
        var threads = Math.Min(s_threadCount, count);
        if (threads <= 1 || t_insideParallelRegion || count * costPerItem < 1 << 15)
        {
            if (count > 0)
            {
                body(0, count);
            }

            return;
        }

        var chunk = (count + threads - 1) / threads;
        var chunks = (count + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            t_insideParallelRegion = true;
            try
            {
                var start = c * chunk;
                body(start, Math.Min(count, start + chunk));
            }
            finally
            {
                t_insideParallelRegion = false;
            }
        });
    }
}
