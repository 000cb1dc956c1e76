using Gauntlet.Data;
using Gauntlet.Monitoring.Drift;

namespace Gauntlet.Server.Tests;

/// <summary>A shifted stream (brightness, noise, class mix) trips the drift alert; the unshifted one does not.</summary>
public sealed class DriftTests
{
    private static readonly LabeledImages Data = FashionMnist.LoadEmbeddedDemo();

    private static async Task<(bool Drifted, string Tripped)> Stream(Func<int, float[]> sample)
    {
        var folder = Directory.CreateTempSubdirectory("gauntlet-drift-").FullName;
        try
        {
            await using var server = await GauntletServer.StartAsync(new ServerOptions
            {
                Model = ServedModel.Demo(),
                LogFolder = Path.Combine(folder, "log"),
                Reference = Data,
                FeatureSqueezing = false,
                Prada = false,
                Drift = new DriftOptions(ReferenceSize: 200, WindowSize: 200),
                DriftInterval = TimeSpan.FromHours(1),
            });
            using var client = new HttpClient { BaseAddress = new Uri(server.Url) };
            foreach (var chunk in Enumerable.Range(0, 200).Select(sample).Chunk(100))
            {
                using var response = await client.PostAsync("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(chunk)));
                Assert.Equal(200, (int)response.StatusCode);
            }

            var report = server.EvaluateDrift();
            Assert.True(report.Ready);
            var raised = server.State.RecentAlerts.Where(a => a.Kind.StartsWith("drift.", StringComparison.Ordinal)).Select(a => a.Kind).ToList();
            Assert.Equal(report.Statistics.Count(s => s.Drifted), raised.Count);
            return (report.Drifted, string.Join(", ", report.Statistics.Select(s => $"{s.Name}={s.Statistic:G3}/p={s.PValue:G3}{(s.Drifted ? "!" : string.Empty)}")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static float[] Image(int index) => Data.Images.ReadOnlySpan.Slice(index * 784, 784).ToArray();

    [Fact]
    public async Task UnshiftedStream_DoesNotTrip()
    {
        var (drifted, stats) = await Stream(i => Image(500 + i));
        Assert.False(drifted, stats);
    }

    [Fact]
    public async Task BrightnessShift_Trips()
    {
        var (drifted, stats) = await Stream(i => [.. Image(500 + i).Select(v => Math.Min(1f, v + 0.2f))]);
        Assert.True(drifted, stats);
        Assert.Contains("input.psi", stats);
    }

    [Fact]
    public async Task NoiseShift_Trips()
    {
        var rng = new Random(2);
        var (drifted, stats) = await Stream(i => [.. Image(500 + i).Select(v => Math.Clamp(v + (float)((rng.NextDouble() - 0.5) * 0.6), 0f, 1f))]);
        Assert.True(drifted, stats);
    }

    [Fact]
    public async Task ClassMixShift_Trips()
    {
        // Only trousers and bags (classes 1 and 8) from the held-out images.
        var few = Enumerable.Range(500, 500).Where(i => Data.Labels[i] is 1 or 8).ToArray();
        var (drifted, stats) = await Stream(i => Image(few[i % few.Length]));
        Assert.True(drifted, stats);
        Assert.Contains("classmix.chi2", stats);
    }
}
