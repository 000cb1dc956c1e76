using Gauntlet.Data;
using Gauntlet.Federated.Byzantine;
using Gauntlet.Federated.Splits;
using Gauntlet.Federated.Training;

namespace Gauntlet.Federated.Tests;

/// <summary>Whole runs over loopback HTTP with in-process clients, on the embedded demo data: small enough for seconds each.</summary>
public sealed class FederatedRunTests
{
    private static readonly LabeledImages All = FashionMnist.LoadEmbeddedDemo();
    private static readonly LabeledImages Train = All.Take(600);
    private static readonly LabeledImages Test = All.Select([.. Enumerable.Range(800, 200)]);

    private static FederatedOptions Small(int clients = 4, int rounds = 2) => new(
        Clients: clients, Rounds: rounds, Local: new LocalTrainingOptions(1, 32, 0.05f), Split: SplitKind.Iid, Hidden: 16, Seed: 7, RoundTimeout: TimeSpan.FromSeconds(60));

    private static async Task<FederatedReport> Run(FederatedOptions options)
    {
        await using var fleet = new InProcessFleet(Train);
        var report = await FederatedServer.RunAsync(options, Train, Test, fleet);
        Assert.Empty(fleet.Failures);
        return report;
    }

    [Fact]
    public async Task FedAvg_LearnsOverRealSockets_AndCountsTheBytes()
    {
        var report = await Run(Small());
        Assert.Equal(2, report.Rounds.Count);
        Assert.True(report.Rounds[^1].TestAccuracy > report.InitialAccuracy + 0.2, $"accuracy {report.InitialAccuracy} → {report.Rounds[^1].TestAccuracy}");
        var parameters = report.FinalWeights.Length;
        foreach (var round in report.Rounds)
        {
            Assert.Equal([0, 1, 2, 3], round.Participants);
            // Four float32 models down and four float32 updates (plus an 8-byte weight) up, at least.
            Assert.True(round.BytesDown >= 4L * parameters * 4, $"down {round.BytesDown}");
            Assert.Equal(4L * ((parameters * 4) + 8), round.BytesUp);
        }
    }

    [Fact]
    public async Task SecureAggregation_GivesTheSameModelAsPlainFedAvg()
    {
        var plain = await Run(Small());
        var secure = await Run(Small() with { Mode = AggregationMode.SecureAggregation, Threshold = 3 });
        AssertClose(plain.FinalWeights, secure.FinalWeights, 1e-4f);
        Assert.True(secure.Rounds[0].BytesUp > plain.Rounds[0].BytesUp, "the masked protocol sends keys and shares besides the vectors");
    }

    [Fact]
    public async Task AKilledClient_DoesNotStopTheRound_WithOrWithoutSecureAggregation()
    {
        var drop = new DropPlan(ClientId: 2, Round: 1);
        var plain = await Run(Small() with { Drop = drop });
        Assert.Equal([0, 1, 3], plain.Rounds[0].Participants);
        Assert.Equal([2], plain.Rounds[0].Dropped);
        Assert.Equal([0, 1, 3], plain.Rounds[1].Participants);
        Assert.True(plain.Rounds[^1].Seconds < 30, "the server noticed the death instead of waiting out the deadline");

        // Under secure aggregation client 2 dies after sharing its keys: its pairwise masks are
        // already in the others' inputs and are removed with its reconstructed key.
        var secure = await Run(Small() with { Drop = drop, Mode = AggregationMode.SecureAggregation, Threshold = 3 });
        Assert.Equal([0, 1, 3], secure.Rounds[0].Participants);
        AssertClose(plain.FinalWeights, secure.FinalWeights, 1e-4f);
    }

    [Fact]
    public async Task Paillier_GivesTheSameModelAsPlainFedAvg()
    {
        var options = Small(clients: 3, rounds: 1) with { Hidden = 4 };
        var plain = await Run(options);
        var paillier = await Run(options with { Mode = AggregationMode.Paillier, PaillierBits = 512 });
        AssertClose(plain.FinalWeights, paillier.FinalWeights, 1e-4f);
        Assert.True(paillier.Rounds[0].BytesUp > plain.Rounds[0].BytesUp, "ciphertexts are larger than float32");
    }

    [Fact]
    public async Task SignFlippingClients_DragFedAvgDown_WhileMedianHolds()
    {
        var attacked = Small(clients: 5, rounds: 2) with { Byzantine = 1, Attack = ByzantineAttackKind.SignFlip, AttackScale = 20f, Local = new LocalTrainingOptions(2, 32, 0.1f) };
        var fedavg = await Run(attacked);
        var median = await Run(attacked with { Aggregator = "median" });
        var krum = await Run(attacked with { Aggregator = "krum" });
        Assert.True(fedavg.Rounds[^1].TestAccuracy < 0.2, $"fedavg under attack: {fedavg.Rounds[^1].TestAccuracy}");
        Assert.True(median.Rounds[^1].TestAccuracy > fedavg.Rounds[^1].TestAccuracy + 0.2, $"median {median.Rounds[^1].TestAccuracy}, fedavg {fedavg.Rounds[^1].TestAccuracy}");
        Assert.True(krum.Rounds[^1].TestAccuracy > fedavg.Rounds[^1].TestAccuracy + 0.2, $"krum {krum.Rounds[^1].TestAccuracy}, fedavg {fedavg.Rounds[^1].TestAccuracy}");
        Assert.All(krum.Rounds, r => Assert.DoesNotContain(0, r.Selected!));
    }

    [Fact]
    public async Task SameSeed_SameModel()
    {
        var options = Small(rounds: 1) with { Split = SplitKind.Dirichlet, Alpha = 0.5, Dp = new(1f, 0.5f) };
        var a = await Run(options);
        var b = await Run(options);
        Assert.Equal(a.FinalWeights, b.FinalWeights);
        Assert.Equal(a.ShardSizes, b.ShardSizes);
    }

    [Theory]
    [InlineData(4, 1, "krum", 1.0, 1, "more than 2f + 2 = 4 clients")]
    [InlineData(4, 0, "fedavg", 0.0, 1, "--alpha must be positive")]
    [InlineData(4, 0, "fedavg", 0.5, 0, "--rounds must be at least 1")]
    [InlineData(3, 3, "median", 0.5, 1, "--byzantine must be in [0, clients)")]
    public void Validate_GivesOneLineErrors(int clients, int byzantine, string aggregator, double alpha, int rounds, string expected)
    {
        var options = new FederatedOptions(Clients: clients, Rounds: rounds, Aggregator: aggregator, Byzantine: byzantine, Alpha: alpha);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Validate_RefusesRobustRulesUnderSumOnlyProtocols()
    {
        var error = Assert.Throws<ArgumentException>(new FederatedOptions(Aggregator: "median", Mode: AggregationMode.SecureAggregation).Validate);
        Assert.Contains("works with fedavg or fedprox", error.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= tolerance, $"largest difference {worst} > {tolerance}");
    }
}
