using System.Diagnostics;

namespace Gauntlet.Tensors.Tests.Ops;

/// <summary>
/// Re-runs the GEMM and convolution probe in child processes with AVX-512 and AVX2 disabled and
/// checks that every narrower SIMD path agrees with the default path.
/// </summary>
public class SimdWidthTests
{
    private static string ProbePath => Path.Combine(AppContext.BaseDirectory, "Gauntlet.Tensors.SimdProbe.dll");

    private static (string Kernel, List<float[]> Results) RunProbe(string? disable)
    {
        var file = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add(ProbePath);
            info.ArgumentList.Add(file);
            foreach (var name in new[] { "DOTNET_EnableAVX512F", "DOTNET_EnableAVX512", "DOTNET_EnableAVX2" })
            {
                info.Environment.Remove(name);
            }

            if (disable is not null)
            {
                info.Environment[disable] = "0";
                if (disable == "DOTNET_EnableAVX512F")
                {
                    // .NET 10 folds the AVX-512 subsets into one switch and no longer reads EnableAVX512F.
                    info.Environment["DOTNET_EnableAVX512"] = "0";
                }
            }

            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "probe timed out");
            Assert.True(process.ExitCode == 0, $"probe failed ({disable}): {stderr.Result}");

            using var reader = new BinaryReader(File.OpenRead(file));
            var kernel = reader.ReadString();
            var results = new List<float[]>();
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var values = new float[reader.ReadInt32()];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.ReadSingle();
                }

                results.Add(values);
            }

            return (kernel, results);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("DOTNET_EnableAVX512F")]
    [InlineData("DOTNET_EnableAVX2")]
    public void NarrowerSimdPaths_MatchDefaultPath(string disable)
    {
        var (defaultKernel, expected) = RunProbe(null);
        var (kernel, actual) = RunProbe(disable);
        Assert.Equal(expected.Count, actual.Count);
        if (defaultKernel.StartsWith("Vector512", StringComparison.Ordinal) || (defaultKernel.StartsWith("Vector256", StringComparison.Ordinal) && disable == "DOTNET_EnableAVX2"))
        {
            Assert.NotEqual(defaultKernel, kernel);
        }

        for (var r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (var i = 0; i < expected[r].Length; i++)
            {
                var e = expected[r][i];
                Assert.True(Math.Abs(e - actual[r][i]) <= 1e-3f * (1 + Math.Abs(e)), $"{kernel} vs {defaultKernel}: result {r}, element {i}: {actual[r][i]} vs {e}");
            }
        }
    }
}
