using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gauntlet.Core;
using Gauntlet.Core.IO;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Autograd;
using Gauntlet.Tensors.Kernels;
using Gauntlet.Tensors.Nn;
using Spectre.Console;

namespace Gauntlet.Cli.Commands;

/// <summary>
/// <c>gauntlet bench</c>: SGEMM GFLOP/s, reference-CNN inference images/s, PGD-20 images/s and
/// bytes allocated per PGD step on this machine. Each figure is the best of several repeats after
/// a timed warm-up (steady state).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var quick = new Option<bool>("--quick") { Description = "Short run: small sizes and few repeats (a smoke test, not a measurement)." };
        var repeats = NumericOption.Int("--repeats", "Repeats per figure, after 2 s of warm-up runs; the best is reported.", 3, min: 1, limit: RunLimits.MaxRepeats);
        var noLimits = NumericOption.NoLimits();
        var export = new Option<string?>("--export") { Description = "Write the benchmark's cnn-small (cnn-small.onnx) and its images (images.f32: float32 [N, 1, 28, 28], little-endian) into this folder (created if missing; its parent must exist) for an external runtime, then exit." };
        var command = new Command("bench", "Measure SGEMM GFLOP/s, cnn-small inference and PGD-20 throughput on this machine.")
        {
            quick, repeats, export, noLimits,
        };
        command.SetAction(parse =>
        {
            var isQuick = parse.GetValue(quick);
            var reps = isQuick ? 1 : parse.GetValue(repeats);
            if (parse.GetValue(export) is { } folder)
            {
                using var outputs = new CommandOutputs(parse, []);
                outputs.Folder("--export", folder, [ModelFile, ImagesFile]);
                Export(console, outputs, folder, isQuick);
                return CliApp.ExitOk;
            }

            Run(console, isQuick, reps);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static void Run(IAnsiConsole console, bool quick, int repeats)
    {
        var warmUp = quick ? TimeSpan.Zero : TimeSpan.FromSeconds(2);
        var threads = Parallelism.ThreadCount;
        console.MarkupLine($"[bold]gauntlet bench[/] · {Environment.ProcessorCount} cores · {threads} threads · GEMM kernel {Markup.Escape(Gemm.KernelName)}{(quick ? " · quick" : string.Empty)}");

        var gemm = new Table().AddColumns("SGEMM n", "1 thread GFLOP/s", $"{threads} threads GFLOP/s");
        int[] sizes = quick ? [64, 128] : [256, 512, 1024, 2048];
        foreach (var n in sizes)
        {
            var one = WithThreads(1, () => SgemmGflops(n, repeats, warmUp));
            var all = WithThreads(threads, () => SgemmGflops(n, repeats, warmUp));
            gemm.AddRow(n.ToString(CultureInfo.InvariantCulture), F1(one), F1(all));
        }

        console.Write(gemm);

        var images = quick ? 40 : 1000;
        var batch = quick ? 20 : 250;
        var steps = 20;
        var (data, labels) = Images(images);
        var model = ModelZoo.Create("cnn-small", 1, 28, 28, 10, seed: 0);
        model.Eval();
        model.SetRequiresGrad(false);

        var inference = Best(repeats, warmUp, () => InferenceSeconds(model, data, batch));
        console.MarkupLine($"cnn-small inference: {F1(images / inference)} images/s (batch {batch}, {images:N0} images)");

        var pgd = Best(repeats, warmUp, () => PgdSeconds(model, data, labels, batch, steps));
        console.MarkupLine($"PGD-{steps}: {F1(images / pgd)} images/s (Linf eps 0.1, step 0.01, batch {batch}, {images:N0} images)");

        var bytes = PgdStepAllocatedBytes(model, data, labels, batch);
        console.MarkupLine($"PGD step allocations: {bytes:N0} bytes per step (batch {batch}, warm)");
    }

    private const string ModelFile = "cnn-small.onnx";
    private const string ImagesFile = "images.f32";

    private static void Export(IAnsiConsole console, CommandOutputs outputs, string folder, bool quick)
    {
        var (data, _) = Images(quick ? 40 : 1000);
        var model = ModelZoo.Create("cnn-small", 1, 28, 28, 10, seed: 0);
        var modelPath = Path.Combine(folder, ModelFile);
        var imagesPath = Path.Combine(folder, ImagesFile);
        outputs.WriteWith(modelPath, staged => Gauntlet.Onnx.OnnxExporter.Save(model, [1, 28, 28], staged));
        outputs.Write(imagesPath, stream => stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.ReadOnlySpan)));
        outputs.Commit();

        console.MarkupLine($"wrote {Markup.Escape(modelPath)} and {Markup.Escape(imagesPath)} ({data.Dim(0):N0} images)");
    }

    private static string F1(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static T WithThreads<T>(int count, Func<T> body)
    {
        var saved = Parallelism.ThreadCount;
        Parallelism.ThreadCount = count;
        try
        {
            return body();
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    private static double Best(int repeats, TimeSpan warmUp, Func<double> seconds)
    {
        // .NET compiles a method fully optimised only after about 30 calls and a background delay
        // (tiered compilation); until then hot loops run in less optimised on-stack-replacement code.
        // Warming up for a fixed time, as BenchmarkDotNet does, reports steady-state figures, which is
        // what the PyTorch and ONNX Runtime references (native code) measure too.
        var warm = Stopwatch.StartNew();
        do
        {
            seconds();
        }
        while (warm.Elapsed < warmUp);

        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            best = Math.Min(best, seconds());
        }

        return best;
    }

    private static double SgemmGflops(int n, int repeats, TimeSpan warmUp)
    {
        var rng = new Rng(n);
        var a = Tensor.RandN(rng, n * n).ToArray();
        var b = Tensor.RandN(rng, n * n).ToArray();
        var c = new float[n * n];
        var flops = 2.0 * n * n * n;

        // Enough calls per sample for ~0.2 s of work at 100 GFLOP/s.
        var calls = (int)Math.Clamp(2e10 / flops, 1, 1000);
        var seconds = Best(repeats, warmUp, () =>
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                Gemm.Multiply(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
            }

            return sw.Elapsed.TotalSeconds / calls;
        });
        return flops / seconds / 1e9;
    }

    private static (Tensor Images, int[] Labels) Images(int count)
    {
        var rng = new Rng(7);
        var all = Tensor.RandU(rng, 0f, 1f, count, 1, 28, 28);
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 10;
        }

        return (all, labels);
    }

    private static Tensor Batch(Tensor data, int start, int size) =>
        Tensor.FromSpan(data.ReadOnlySpan.Slice(start * 784, size * 784), size, 1, 28, 28);

    private static double InferenceSeconds(Sequential model, Tensor data, int batch)
    {
        var count = data.Dim(0);
        var batches = Enumerable.Range(0, count / batch).Select(i => Batch(data, i * batch, batch)).ToArray();
        var sw = Stopwatch.StartNew();
        using (GradMode.NoGrad())
        {
            foreach (var x in batches)
            {
                using (TensorScope.Begin())
                {
                    _ = model.Forward(x);
                }
            }
        }

        return sw.Elapsed.TotalSeconds;
    }

    private static double PgdSeconds(Sequential model, Tensor data, int[] labels, int batch, int steps)
    {
        var count = data.Dim(0);
        var batches = Enumerable.Range(0, count / batch).Select(i => Batch(data, i * batch, batch)).ToArray();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < batches.Length; i++)
        {
            var x0 = batches[i];
            var x = x0.Clone();
            var y = labels.AsSpan(i * batch, batch).ToArray();
            for (var s = 0; s < steps; s++)
            {
                PgdStep(model, x0, x, y);
            }
        }

        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>One L∞ PGD step (eps 0.1, step 0.01), updating <paramref name="x"/> in place.</summary>
    internal static void PgdStep(Sequential model, Tensor x0, Tensor x, int[] labels)
    {
        const float eps = 0.1f, step = 0.01f;
        // Intermediates come from the buffer pool and go back when the scope ends.
        using (TensorScope.Begin())
        {
            var xv = x.Detach().RequireGrad();
            var loss = Losses.CrossEntropy(model.Forward(xv), labels);
            var g = Autodiff.Grad(loss, xv).ReadOnlySpan;
            var xd = x.Span;
            var od = x0.ReadOnlySpan;
            for (var i = 0; i < xd.Length; i++)
            {
                var v = xd[i] + (g[i] > 0f ? step : g[i] < 0f ? -step : 0f);
                v = Math.Clamp(v, od[i] - eps, od[i] + eps);
                xd[i] = Math.Clamp(v, 0f, 1f);
            }
        }
    }

    private static long PgdStepAllocatedBytes(Sequential model, Tensor data, int[] labels, int batch)
    {
        var x0 = Batch(data, 0, batch);
        var x = x0.Clone();
        var y = labels.AsSpan(0, batch).ToArray();
        for (var i = 0; i < 3; i++)
        {
            PgdStep(model, x0, x, y);
        }

        const int measured = 5;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < measured; i++)
        {
            PgdStep(model, x0, x, y);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / measured;
    }
}
