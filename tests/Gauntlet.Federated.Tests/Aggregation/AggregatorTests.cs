using Gauntlet.Federated.Aggregation;

namespace Gauntlet.Federated.Tests.Aggregation;

public sealed class AggregatorTests
{
    private static List<ClientUpdate> Updates(params float[][] deltas) => [.. deltas.Select((d, i) => new ClientUpdate(i, d, 1))];

    [Fact]
    public void WeightedMean_WeighsBySampleCount()
    {
        var result = new WeightedMean().Aggregate([new ClientUpdate(0, [1f, 2f], 3), new ClientUpdate(1, [5f, -2f], 1)]);
        Assert.Equal([2f, 1f], result);
    }

    [Fact]
    public void Median_TakesTheMiddleValue_AndTheMeanOfTwoForEvenCounts()
    {
        Assert.Equal([2f, -1f], new CoordinateMedian().Aggregate(Updates([1f, 100f], [2f, -1f], [1000f, -5f])));
        Assert.Equal([1.5f], new CoordinateMedian().Aggregate(Updates([1f], [2f], [-50f], [70f])));
    }

    [Fact]
    public void TrimmedMean_DropsTheExtremesOnEachSide()
    {
        // β = 0.2 of 5 trims one value per side: mean of {1, 2, 3}.
        var result = new TrimmedMean(0.2).Aggregate(Updates([1f], [2f], [3f], [-1000f], [1000f]));
        Assert.Equal(2f, result[0], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimmedMean(0.5));
    }

    [Fact]
    public void Krum_PicksAnHonestUpdate_AndMultiKrumAveragesTheClosestGroup()
    {
        // Four honest updates near (1, 1), two attackers far away; f = 2, n = 6 > 2f + 2? No: 6 = 2f + 2, so use n = 7.
        var updates = Updates([1f, 1f], [1.1f, 0.9f], [0.9f, 1.1f], [1f, 1.05f], [1.05f, 1f], [-50f, -50f], [60f, 40f]);
        var krum = new Krum(byzantine: 2);
        var chosen = krum.Aggregate(updates);
        Assert.InRange(chosen[0], 0.9f, 1.1f);
        Assert.All(krum.LastSelection, id => Assert.InRange(id, 0, 4));

        var multi = new Krum(byzantine: 2, selected: 5);
        var mean = multi.Aggregate(updates);
        Assert.Equal([0, 1, 2, 3, 4], multi.LastSelection.Order());
        Assert.Equal(1.01f, mean[0], 4);
    }

    [Fact]
    public void Krum_RefusesTooFewClientsForItsF()
    {
        Assert.False(Krum.Admits(6, 2));
        Assert.True(Krum.Admits(7, 2));
        var error = Assert.Throws<ArgumentException>(() => new Krum(2).Aggregate(Updates([1f], [2f], [3f], [4f], [5f], [6f])));
        Assert.Contains("n > 2f + 2 = 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregators_RefuseUpdatesOfDifferentLengths()
    {
        foreach (var descriptor in AggregatorCatalog.All)
        {
            var aggregator = descriptor.Create(2, new AggregatorSettings());
            Assert.Throws<ArgumentException>(() => aggregator.Aggregate(Updates([1f, 2f], [1f])));
            Assert.Throws<ArgumentException>(() => aggregator.Aggregate([]));
        }
    }

    [Fact]
    public void Catalog_NamesAreUnique_AndOnlyTheMeansAreSumOnly()
    {
        Assert.Equal(AggregatorCatalog.All.Count, AggregatorCatalog.All.Select(d => d.Name).Distinct().Count());
        Assert.Equal(["fedavg", "fedprox"], AggregatorCatalog.All.Where(d => d.IsMean).Select(d => d.Name));
        Assert.Throws<ArgumentException>(() => AggregatorCatalog.Find("bulyan"));
    }
}
