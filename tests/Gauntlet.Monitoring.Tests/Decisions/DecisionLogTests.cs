using Gauntlet.Monitoring.Decisions;

namespace Gauntlet.Monitoring.Tests.Decisions;

public sealed class DecisionLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gauntlet-decisions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DecisionRecord Record(int i) =>
        new($"id{i}", DateTimeOffset.UnixEpoch.AddSeconds(i), "k", "demo", "1", DecisionRecord.HashInput([i, 0.5f]), i % 10, [0.25f, 0.75f]);

    [Fact]
    public async Task ConcurrentAppends_AreBatched_AndEveryDecisionIsProvable()
    {
        var folder = Path.Combine(_dir, "log");
        LoggedDecision[] logged;
        await using (var log = DecisionLog.Open(folder))
        {
            logged = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => log.AppendAsync(Record(i)))));
            Assert.Equal(200, log.Size);
            Assert.Equal(200, logged.Select(l => l.Index).Distinct().Count());
            Assert.True(log.Batches < 200, $"{log.Batches} batches for 200 concurrent appends");
            var proof = log.Prove(logged[17].Index);
            Assert.True(proof.Verified);
            Assert.Equal("id17", proof.Record!.Id);
            Assert.Equal(Record(17).InputSha256, proof.Record.InputSha256);
        }

        // Reopened: everything acknowledged is there.
        await using var reopened = DecisionLog.Open(folder);
        Assert.Equal(200, reopened.Size);
        foreach (var l in logged)
        {
            Assert.Equal(l.Id, reopened.Read(l.Index)!.Id);
        }
    }

    [Fact]
    public void Prove_OutOfRange_Throws()
    {
        using var log = DecisionLog.Open(Path.Combine(_dir, "empty"));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Prove(0));
    }

    [Fact]
    public void NonDecisionEntries_ParseAsNull()
    {
        Assert.Null(DecisionRecord.TryParse("{\"type\":\"version.registered\"}"u8));
        Assert.Null(DecisionRecord.TryParse("not json"u8));
        Assert.Equal("id3", DecisionRecord.TryParse(Record(3).ToBytes())!.Id);
    }
}
