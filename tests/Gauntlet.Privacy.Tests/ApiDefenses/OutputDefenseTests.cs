using Gauntlet.Models;
using Gauntlet.Privacy.ApiDefenses;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Tests.ApiDefenses;

public sealed class OutputDefenseTests
{
    // A fixed "model" answering the logits log p for p = [0.62, 0.23, 0.11, 0.04] on every sample.
    private static readonly double[] P = [0.62, 0.23, 0.11, 0.04];

    [Fact]
    public void Rounding_RoundsEachProbability()
    {
        var raw = Raw(new RoundingDefense(new FixedModel(P), 1));
        Assert.Equal([0.6, 0.2, 0.1], raw.Take(3).Select(v => Math.Round(Math.Exp(v), 6)));
        Assert.Equal(Math.Log(OutputDefense.ProbabilityFloor), raw[3], 1e-3);
        Assert.Equal(0, ArgMax(Answer(new RoundingDefense(new FixedModel(P), 1))));
    }

    [Fact]
    public void TopK_KeepsTheLargestAndZeroesTheRest()
    {
        var raw = Raw(new TopKDefense(new FixedModel(P), 2));
        Assert.Equal(Math.Log(0.62), raw[0], 1e-6);
        Assert.Equal(Math.Log(0.23), raw[1], 1e-6);
        Assert.Equal(Math.Log(OutputDefense.ProbabilityFloor), raw[2], 1e-3);
        Assert.Equal(Math.Log(OutputDefense.ProbabilityFloor), raw[3], 1e-3);
    }

    [Fact]
    public void LabelOnly_AnswersOneHot()
    {
        var answered = Answer(new LabelOnlyDefense(new FixedModel(P)));
        Assert.Equal(1.0, answered[0], 1e-9);
        Assert.All(answered.Skip(1), v => Assert.True(v < 1e-20));
    }

    [Fact]
    public void Noise_IsSeeded_SumsToOne_AndChangesTheAnswer()
    {
        var a = Answer(new NoiseDefense(new FixedModel(P), 0.05, seed: 3));
        var b = Answer(new NoiseDefense(new FixedModel(P), 0.05, seed: 3));
        Assert.Equal(a, b);
        Assert.Equal(1.0, a.Sum(), 1e-6);
        Assert.Contains(a.Zip(P), t => Math.Abs(t.First - t.Second) > 1e-4);
    }

    [Theory]
    [InlineData("round:2", typeof(RoundingDefense))]
    [InlineData("topk:1", typeof(TopKDefense))]
    [InlineData("label-only", typeof(LabelOnlyDefense))]
    [InlineData("noise:0.05", typeof(NoiseDefense))]
    public void Create_ParsesTheCommandLineForms(string spec, Type expected)
    {
        var defense = ApiDefense.Create(new FixedModel(P), spec, 0);
        Assert.IsType(expected, defense);
        Assert.Equal(spec, defense.Name);
        Assert.False(defense.HasGradients);
    }

    [Theory]
    [InlineData("round")]
    [InlineData("topk:5")]
    [InlineData("noise:0")]
    [InlineData("blur:3")]
    public void Create_RefusesUnknownOrOutOfRangeForms(string spec) =>
        Assert.Throws<ArgumentException>(() => ApiDefense.Create(new FixedModel(P), spec, 0));

    private static double[] Raw(OutputDefense defense) =>
        [.. defense.Predict(Tensor.Zeros(1, 1, 2, 2)).ToArray().Select(v => (double)v)];

    // softmax of the answered logits: what an attacker reads.
    private static double[] Answer(OutputDefense defense)
    {
        var z = Raw(defense);
        var max = z.Max();
        var sum = z.Sum(v => Math.Exp(v - max));
        return [.. z.Select(v => Math.Exp(v - max) / sum)];
    }

    private static int ArgMax(double[] p) => Array.IndexOf(p, p.Max());

    private sealed class FixedModel(double[] p) : IClassifier
    {
        public Shape SampleShape => new(1, 2, 2);

        public int ClassCount => p.Length;

        public InputRange InputRange => InputRange.Unit;

        public long QueryCount { get; private set; }

        public Tensor Predict(Tensor batch)
        {
            var n = batch.Dim(0);
            QueryCount += n;
            var logits = new float[n * p.Length];
            for (var i = 0; i < logits.Length; i++)
            {
                logits[i] = (float)Math.Log(p[i % p.Length]);
            }

            return Tensor.FromArray(logits, n, p.Length);
        }

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) => throw new NotSupportedException();
    }
}
