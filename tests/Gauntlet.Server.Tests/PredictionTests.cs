using System.Text;
using System.Text.Json.Nodes;

namespace Gauntlet.Server.Tests;

public sealed class PredictionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Json_PredictsTheLabel_AndLogsAProvableDecision()
    {
        var images = Enumerable.Range(600, 20).ToArray();
        var (status, body) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json([.. images.Select(fixture.Image)])));
        Assert.Equal(200, status);
        var predictions = body!["predictions"]!.AsArray();
        Assert.Equal(20, predictions.Count);
        var correct = images.Where((img, i) => predictions[i]!["class"]!.GetValue<int>() == fixture.Data.Labels[img]).Count();
        Assert.True(correct >= 15, $"{correct}/20 correct");
        var probabilities = predictions[0]!["probabilities"]!.AsArray().Select(p => p!.GetValue<double>()).ToArray();
        Assert.Equal(1.0, probabilities.Sum(), 4);

        var index = predictions[3]!["decision"]!["log_index"]!.GetValue<long>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/decisions/{index}");
        request.Headers.Add("X-Api-Key", ServerFixture.AliceKey);
        using var response = await fixture.Client.SendAsync(request);
        var proof = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(proof["verified"]!.GetValue<bool>());
        Assert.Equal(predictions[3]!["decision"]!["id"]!.GetValue<string>(), proof["decision"]!["id"]!.GetValue<string>());
        Assert.Equal("alice", proof["decision"]!["key"]!.GetValue<string>());
        Assert.Equal(Gauntlet.Monitoring.Decisions.DecisionRecord.HashInput(fixture.Image(603)), proof["decision"]!["input_sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task RawFloat32_AndNpy_GiveTheSameAnswerAsJson()
    {
        var image = fixture.Image(700);
        var raw = new byte[784 * 4];
        Buffer.BlockCopy(image, 0, raw, 0, raw.Length);
        var (s1, json) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(image)));
        var (s2, bin) = await fixture.Post("/v1/predict", ServerFixture.Bytes(raw, "application/octet-stream"));
        var (s3, npy) = await fixture.Post("/v1/predict", ServerFixture.Bytes(Npy(raw, "<f4", "(1, 1, 28, 28)"), "application/x-npy"));
        Assert.Equal((200, 200, 200), (s1, s2, s3));
        var expected = json!["predictions"]![0]!["class"]!.GetValue<int>();
        Assert.Equal(expected, bin!["predictions"]![0]!["class"]!.GetValue<int>());
        Assert.Equal(expected, npy!["predictions"]![0]!["class"]!.GetValue<int>());
        Assert.Equal(fixture.Data.Labels[700], expected);
    }

    internal static byte[] Npy(byte[] data, string descr, string shape)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var stream = new MemoryStream();
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
        return stream.ToArray();
    }

    [Fact]
    public async Task Health_Readiness_AndMetrics()
    {
        Assert.Equal("ok", JsonNode.Parse(await fixture.Client.GetStringAsync("/healthz"))!["status"]!.GetValue<string>());
        Assert.Equal("ready", JsonNode.Parse(await fixture.Client.GetStringAsync("/readyz"))!["status"]!.GetValue<string>());
        await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(fixture.Image(1))));
        var metrics = await fixture.Client.GetStringAsync("/metrics");
        Assert.Contains("gauntlet_requests_total{endpoint=\"predict\",code=\"200\"}", metrics);
        Assert.Contains("gauntlet_batch_size_count", metrics);
        Assert.Contains("gauntlet_decisions_logged_total", metrics);
    }

    [Fact]
    public async Task AttackLikeReplay_RaisesAStatefulAlert_BenignReplayDoesNot()
    {
        // Benign: 200 distinct test images (not in the 500 reference images) under one key.
        var benign = Enumerable.Range(500, 200).Select(fixture.Image).ToArray();
        var benignAlerts = 0;
        foreach (var chunk in benign.Chunk(50))
        {
            var (status, body) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(chunk)), ServerFixture.BobKey);
            Assert.Equal(200, status);
            benignAlerts += body!["alerts"]!.AsArray().Count(a => a!["kind"]!.GetValue<string>() == "stateful");
        }

        Assert.True(benignAlerts <= 2, $"{benignAlerts} stateful false alarms in 200 benign queries");

        // Attack-like: Square-attack-style queries, each a few ±ε patches on one image.
        var rng = new Random(1);
        var origin = fixture.Image(900);
        var alertAt = -1;
        for (var q = 0; q < 100 && alertAt < 0; q++)
        {
            var query = (float[])origin.Clone();
            for (var p = 0; p < 3; p++)
            {
                int y = rng.Next(24), x = rng.Next(24);
                var sign = rng.Next(2) == 0 ? -0.05f : 0.05f;
                for (var dy = 0; dy < 4; dy++)
                {
                    for (var dx = 0; dx < 4; dx++)
                    {
                        var i = ((y + dy) * 28) + x + dx;
                        query[i] = Math.Clamp(query[i] + sign, 0, 1);
                    }
                }
            }

            var (status, body) = await fixture.Post("/v1/predict", ServerFixture.JsonContent(ServerFixture.Json(query)), ServerFixture.MalloryKey);
            Assert.Equal(200, status);
            if (body!["alerts"]!.AsArray().Any(a => a!["kind"]!.GetValue<string>() == "stateful" && a["key"]!.GetValue<string>() == "mallory"))
            {
                alertAt = q;
            }
        }

        Assert.InRange(alertAt, 0, 50);
    }
}
