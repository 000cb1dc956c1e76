using BenchmarkDotNet.Attributes;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Kernels;

namespace Gauntlet.Benchmarks;

/// <summary>C = A·B for square n×n float32 matrices; GFLOP/s = 2n³ / mean time.</summary>
[MemoryDiagnoser]
public class SgemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params(256, 512, 1024, 2048)]
    public int N { get; set; }

    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(N);
        _a = Tensor.RandN(rng, N * N).ToArray();
        _b = Tensor.RandN(rng, N * N).ToArray();
        _c = new float[N * N];
        Parallelism.ThreadCount = Threads == 0 ? Environment.ProcessorCount : Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.ThreadCount = Environment.ProcessorCount;

    [Benchmark]
    public void Sgemm() => Gemm.Multiply(false, false, N, N, N, 1f, _a, N, _b, N, 0f, _c, N);
}
