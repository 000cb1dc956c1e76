using Gauntlet.Federated.Splits;
using Gauntlet.Tensors;

namespace Gauntlet.Federated.Tests.Splits;

public sealed class ClientSplitTests
{
    private static int[] Labels(int n, int classes) => [.. Enumerable.Range(0, n).Select(i => i % classes)];

    [Theory]
    [InlineData(SplitKind.Iid, 1.0)]
    [InlineData(SplitKind.Dirichlet, 0.5)]
    [InlineData(SplitKind.Dirichlet, 0.05)]
    public void Split_DealsEverySampleToExactlyOneClient(SplitKind kind, double alpha)
    {
        var labels = Labels(1000, 10);
        var shards = ClientSplit.Split(labels, 10, 7, kind, alpha, seed: 3);
        Assert.Equal(7, shards.Length);
        Assert.All(shards, s => Assert.NotEmpty(s));
        Assert.Equal(Enumerable.Range(0, 1000), shards.SelectMany(s => s).Order());
    }

    [Fact]
    public void Iid_ShardsAreBalanced_AndSeeded()
    {
        var labels = Labels(1000, 10);
        var shards = ClientSplit.Split(labels, 10, 6, SplitKind.Iid, 0, seed: 1);
        Assert.InRange(shards.Max(s => s.Length) - shards.Min(s => s.Length), 0, 1);
        Assert.Equal(shards, ClientSplit.Split(labels, 10, 6, SplitKind.Iid, 0, seed: 1));
        Assert.NotEqual(shards[0], ClientSplit.Split(labels, 10, 6, SplitKind.Iid, 0, seed: 2)[0]);
    }

    [Fact]
    public void Dirichlet_SmallAlphaConcentratesClassesMoreThanLargeAlpha()
    {
        var labels = Labels(5000, 10);
        // Mean share of a client's samples taken by its most common class: 0.1 for a perfectly mixed shard, 1 for one class.
        double Dominance(double alpha) => ClientSplit.Split(labels, 10, 10, SplitKind.Dirichlet, alpha, seed: 5)
            .Average(s => s.GroupBy(i => labels[i]).Max(g => g.Count()) / (double)s.Length);
        var skewed = Dominance(0.1);
        var mixed = Dominance(100);
        Assert.True(skewed > 0.5, $"α 0.1: dominance {skewed}");
        Assert.True(mixed < 0.2, $"α 100: dominance {mixed}");
    }

    [Fact]
    public void Dirichlet_RefusesNonPositiveAlpha()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClientSplit.Split(Labels(100, 10), 10, 3, SplitKind.Dirichlet, 0, seed: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClientSplit.Split(Labels(100, 10), 10, 3, SplitKind.Dirichlet, -1, seed: 0));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.5)]
    public void Gamma_HasMeanAndVarianceAlpha(double alpha)
    {
        var rng = new Rng(11);
        var draws = Enumerable.Range(0, 40_000).Select(_ => ClientSplit.Gamma(rng, alpha)).ToArray();
        var mean = draws.Average();
        var variance = draws.Average(d => (d - mean) * (d - mean));
        Assert.InRange(mean, alpha * 0.97, alpha * 1.03);
        Assert.InRange(variance, alpha * 0.92, alpha * 1.08);
    }
}
