using System.Text.Json;
using Gauntlet.Data;
using Gauntlet.Defenses.Certification;
using Gauntlet.Models;
using Gauntlet.Onnx;
using Gauntlet.Tensors;
using Gauntlet.Tensors.Nn;
using Xunit.Abstractions;

namespace Gauntlet.Defenses.Tests.Certification;

/// <summary>
/// Gauntlet's Monte-Carlo certification against tools/certification/certify_reference.py, which
/// trains a Gaussian-augmented (σ 0.25) cnn-small in PyTorch, exports it to ONNX and runs Cohen
/// et al.'s CERTIFY on the first 6 demo images (σ 0.25, n0 64, n 512, α 0.001), plus 2,000
/// further draws per image that pin each class's probability under noise to about ±0.01.
/// </summary>
/// <remarks>
/// The two runs draw different noise, so they agree only within Monte-Carlo noise. Stated bound:
/// Gauntlet's nA / n lies within 4.5 standard deviations of the precise probability pA (sd² =
/// p(1 − p)(1/n + 1/2,000); a false alarm once in ~10⁵ images), and at every radius r each
/// image's "certified correct at r" matches the precise estimate's unless r falls in the radius band
/// those 4.5 sd span. The certification arithmetic itself (counts → p̲A → radius) must match the
/// reference's to 1e-9, with no noise allowed.
/// </remarks>
public sealed class PyTorchAgreementTests(ITestOutputHelper output)
{
    private const double Band = 4.5;
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Certification", "Fixtures");

    private static JsonElement Reference() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "certify_reference.json"))).RootElement;

    private static ModuleClassifier Model()
    {
        var network = OnnxClassifier.Load(Path.Combine(Fixtures, "fmnist_cnn_small_gaussian_0.25.onnx"));
        return new ModuleClassifier(new Sequential(network), new Shape(1, 28, 28), 10);
    }

    [Fact]
    public void CountsToRadius_MatchesTheReferenceExactly()
    {
        var reference = Reference();
        var p = reference.GetProperty("params");
        double sigma = p.GetProperty("sigma").GetDouble(), alpha = p.GetProperty("alpha").GetDouble();
        var n = p.GetProperty("n").GetInt64();
        foreach (var row in reference.GetProperty("samples").EnumerateArray())
        {
            var certificate = Certificate.FromCounts(row.GetProperty("guess").GetInt32(), row.GetProperty("count_a").GetInt64(), n, alpha, sigma);
            Assert.Equal(row.GetProperty("prediction").GetInt32(), certificate.Prediction);
            StatisticsFixture.Near(row.GetProperty("p_a_lower").GetDouble(), certificate.PALower, 1e-9, 1e-300, "p̲A");
            StatisticsFixture.Near(row.GetProperty("radius").GetDouble(), certificate.Radius, 1e-9, 1e-12, "radius");
        }
    }

    [Fact]
    public void MonteCarloCertification_AgreesWithPyTorch_WithinMonteCarloNoise()
    {
        var reference = Reference();
        var p = reference.GetProperty("params");
        var parameters = new SmoothingParameters(p.GetProperty("sigma").GetDouble(), p.GetProperty("n0").GetInt32(), p.GetProperty("n").GetInt32(), p.GetProperty("alpha").GetDouble(), p.GetProperty("batch").GetInt32());
        var precise = (double)p.GetProperty("precise_draws").GetInt32();
        var rows = reference.GetProperty("samples").EnumerateArray().ToList();
        var images = FashionMnist.LoadEmbeddedDemo().Take(rows.Count);
        var classifier = Model();

        // The same network: clean logits as PyTorch computed them.
        var logits = classifier.Predict(images.Images).ReadOnlySpan;
        var expected = reference.GetProperty("clean_logits").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            StatisticsFixture.Near(expected[i], logits[i], 1e-4, 1e-4, $"clean logit {i}");
        }

        var run = CertificationRun.Certify(classifier, images, parameters, seed: 0);
        var radii = CertifiedAccuracy.StandardRadii(parameters.MaxRadius);
        var ambiguous = new int[radii.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var sample = run.Samples[i];
            var counts = row.GetProperty("precise_counts").EnumerateArray().Select(c => c.GetDouble() / precise).ToArray();
            var order = counts.Select((c, k) => (c, k)).OrderByDescending(t => t.c).ToArray();
            var guess = sample.Certificate.Guess;
            if (order[0].c - order[1].c >= 0.3)
            {
                Assert.True(order[0].k == guess, $"image {i}: Gauntlet guessed class {guess}, but class {order[0].k} has probability {order[0].c:F3} under noise");
            }

            var pA = Math.Clamp(counts[guess], 1 / precise, 1 - (1 / precise));
            var sd = Math.Sqrt(pA * (1 - pA) * ((1.0 / parameters.N) + (1 / precise)));
            var z = ((sample.Certificate.CountA / (double)parameters.N) - counts[guess]) / sd;
            output.WriteLine($"image {i}: label {sample.Label}, guess {guess}, nA {sample.Certificate.CountA}/{parameters.N} (PyTorch {row.GetProperty("count_a").GetInt64()}), precise pA {counts[guess]:F4}, z {z:F2}, radius {sample.Radius:F3} (PyTorch {row.GetProperty("radius").GetDouble():F3})");
            Assert.True(Math.Abs(z) <= Band, $"image {i}: nA {sample.Certificate.CountA} of {parameters.N} is {z:F1} sd from the precise pA {counts[guess]:F4}");

            // Outside the radius band ±4.5 sd of nA spans, the outcome at each radius is settled.
            double RadiusAt(double share) => Certificate.FromCounts(guess, (long)Math.Clamp(Math.Round(share * parameters.N), 0, parameters.N), parameters.N, parameters.Alpha, parameters.Sigma).Radius;
            double low = RadiusAt(counts[guess] - (Band * sd)), high = RadiusAt(counts[guess] + (Band * sd)), mid = RadiusAt(counts[guess]);
            for (var j = 0; j < radii.Count; j++)
            {
                var r = radii[j];
                var unsettled = (r >= low && r <= high) || (r == 0 && low == 0);
                if (unsettled)
                {
                    ambiguous[j]++;
                    continue;
                }

                var settled = guess == sample.Label && mid >= r && (mid > 0 || !Certificate.FromCounts(guess, (long)Math.Round(counts[guess] * parameters.N), parameters.N, parameters.Alpha, parameters.Sigma).Abstained);
                Assert.True(settled == (sample.Correct && sample.Radius >= r), $"image {i} at radius {r}: Gauntlet says {sample.Correct && sample.Radius >= r}, the precise estimate {settled}");
            }
        }

        // Aggregate: Gauntlet's and PyTorch's certified accuracy differ by at most the share of images whose outcome at r is unsettled.
        var torchSamples = rows.Select(r => (r.GetProperty("prediction").GetInt32() == r.GetProperty("label").GetInt32(), r.GetProperty("radius").GetDouble())).ToList();
        for (var j = 0; j < radii.Count; j++)
        {
            var gauntlet = run.AccuracyAt(radii[j]);
            var torch = CertifiedAccuracy.At(torchSamples, radii[j]);
            output.WriteLine($"r {radii[j]:F2}: Gauntlet {gauntlet:F3}, PyTorch {torch:F3}, unsettled images {ambiguous[j]}");
            Assert.True(Math.Abs(gauntlet - torch) <= (ambiguous[j] / (double)rows.Count) + 1e-12, $"radius {radii[j]}: Gauntlet {gauntlet}, PyTorch {torch}, {ambiguous[j]} unsettled of {rows.Count}");
        }
    }
}
