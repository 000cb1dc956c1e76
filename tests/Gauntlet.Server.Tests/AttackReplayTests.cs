using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gauntlet.Attacks;
using Gauntlet.Attacks.BlackBox;
using Gauntlet.Models;
using Gauntlet.Tensors;
using Xunit.Abstractions;

namespace Gauntlet.Server.Tests;

/// <summary>
/// Real black-box attacks (Gauntlet.Attacks' Square and HopSkipJump) replayed through the HTTP
/// endpoint under one API key raise a stateful alert within their first few hundred queries; a
/// benign replay of held-out test images under another key gives the false-alarm rate.
/// </summary>
public sealed class AttackReplayTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    /// <summary>The served model seen through HTTP: raw float32 in, log-probabilities out, every alert kept.</summary>
    private sealed class HttpClassifier(HttpClient client, string key) : IClassifier
    {
        public List<(long Query, string Kind)> Alerts { get; } = [];

        public Shape SampleShape => new(1, 28, 28);

        public int ClassCount => 10;

        public InputRange InputRange => InputRange.Unit;

        public long QueryCount { get; private set; }

        public bool HasGradients => false;

        public Tensor Predict(Tensor batch)
        {
            var raw = new byte[batch.Size * 4];
            Buffer.BlockCopy(batch.ToArray(), 0, raw, 0, raw.Length);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/predict") { Content = new ByteArrayContent(raw) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Headers.Add("X-Api-Key", key);
            using var response = client.Send(request);
            var body = JsonNode.Parse(response.Content.ReadAsStream())!;
            Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
            var n = batch.Dim(0);
            var logits = new float[n * 10];
            var predictions = body["predictions"]!.AsArray();
            for (var i = 0; i < n; i++)
            {
                var p = predictions[i]!["probabilities"]!.AsArray();
                for (var k = 0; k < 10; k++)
                {
                    logits[(i * 10) + k] = MathF.Log(Math.Max(p[k]!.GetValue<float>(), 1e-12f));
                }
            }

            foreach (var alert in body["alerts"]!.AsArray())
            {
                Alerts.Add((QueryCount + n, alert!["kind"]!.GetValue<string>()));
            }

            QueryCount += n;
            return Tensor.FromArray(logits, n, 10);
        }

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) =>
            throw new NotSupportedException("a remote endpoint has no gradients");
    }

    private (long FirstAlert, int Alerts, long Queries) Replay(EvasionAttack attack, string key, int image)
    {
        var victim = new HttpClassifier(fixture.Client, key);
        var x = Tensor.FromArray(fixture.Image(image), 1, 1, 28, 28);
        attack.Run(victim, x, AttackGoal.Untargeted([fixture.Data.Labels[image]]), seed: 1);
        var stateful = victim.Alerts.Where(a => a.Kind == "stateful").ToList();
        return (stateful.Count > 0 ? stateful[0].Query : -1, stateful.Count, victim.QueryCount);
    }

    // An attack on an image the model already gets wrong ends after its first queries: start from one it gets right.
    private int CorrectlyClassified(int from)
    {
        var probe = new HttpClassifier(fixture.Client, ServerFixture.AliceKey);
        return Enumerable.Range(from, 40).First(i =>
        {
            var logits = probe.Predict(Tensor.FromArray(fixture.Image(i), 1, 1, 28, 28)).ToArray();
            return Array.IndexOf(logits, logits.Max()) == fixture.Data.Labels[i];
        });
    }

    [Fact]
    public void SquareAndHopSkipJump_AreDetectedEarly_BenignReplayRarelyAlarms()
    {
        var square = Replay(new SquareAttack(0.1f, maxQueries: 300), ServerFixture.MalloryKey, CorrectlyClassified(950));
        output.WriteLine($"Square (L∞ ε = 0.1, 300 queries): first stateful alert at query {square.FirstAlert}, {square.Alerts} alerts in {square.Queries} queries");
        Assert.InRange(square.FirstAlert, 1, 300);

        var hsj = Replay(new HopSkipJump(maxQueries: 300, initialEvaluations: 20, maxEvaluations: 50), ServerFixture.MalloryKey, CorrectlyClassified(960));
        output.WriteLine($"HopSkipJump (L2, 300 queries): first stateful alert at query {hsj.FirstAlert}, {hsj.Alerts} alerts in {hsj.Queries} queries");
        Assert.InRange(hsj.FirstAlert, 1, 300);

        // Benign: 300 held-out test images, one per query, under their own key.
        var benign = new HttpClassifier(fixture.Client, ServerFixture.BobKey);
        foreach (var i in Enumerable.Range(700, 300))
        {
            benign.Predict(Tensor.FromArray(fixture.Image(i), 1, 1, 28, 28));
        }

        var falseAlarms = benign.Alerts.Count(a => a.Kind == "stateful");
        output.WriteLine($"benign replay: {falseAlarms} stateful alerts in 300 queries (false-alarm rate {falseAlarms / 300.0:P2})");
        Assert.True(falseAlarms <= 3, $"{falseAlarms} false alarms");
    }
}
