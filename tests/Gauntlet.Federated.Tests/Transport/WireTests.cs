using Gauntlet.Federated.SecureAggregation;
using Gauntlet.Federated.Transport;

namespace Gauntlet.Federated.Tests.Transport;

public sealed class WireTests
{
    [Fact]
    public void Vectors_AreFourBytesPerValue_AndRoundTrip()
    {
        float[] values = [1.5f, -0f, float.Epsilon, 3e38f];
        var bytes = Wire.Floats(values);
        Assert.Equal(16, bytes.Length);
        Assert.Equal(values, Wire.Floats(bytes));
        Assert.Throws<InvalidDataException>(() => Wire.Floats(new byte[5]));

        var update = Wire.Update(0.25, values);
        Assert.Equal(8 + 16, update.Length);
        var (weight, delta) = Wire.Update(update);
        Assert.Equal(0.25, weight);
        Assert.Equal(values, delta);
        Assert.Throws<InvalidDataException>(() => Wire.Update(Wire.Update(double.NaN, values)));
    }

    [Fact]
    public void ProtocolMessages_RoundTrip_AndTruncationIsAnError()
    {
        var keys = new List<AdvertisedKeys> { new(3, [1, 2], [3]), new(5, [], [9, 9, 9]) };
        var back = Wire.Keys(Wire.Keys(keys));
        Assert.Equal(keys.Select(k => (k.ClientId, k.CipherKey.Length, k.MaskKey.Length)), back.Select(k => (k.ClientId, k.CipherKey.Length, k.MaskKey.Length)));

        var answer = new UnmaskingShares(2, [new HeldShare(1, new ShamirShare(3, [7, 8]))], [new HeldShare(4, new ShamirShare(3, [9]))]);
        var decoded = Wire.Unmasking(Wire.Unmasking(answer));
        Assert.Equal(2, decoded.ClientId);
        Assert.Equal([7UL, 8UL], decoded.SelfMaskShares[0].Share.Values);
        Assert.Equal(4, decoded.MaskKeyShares[0].Owner);

        var shares = Wire.Shares([new EncryptedShare(1, 2, [5, 6, 7])]);
        Assert.Throws<InvalidDataException>(() => Wire.Shares(shares[..^1]));
    }

    [Fact]
    public async Task Board_CollectsWhatClientsPost_AndStopsWaitingForTheGone()
    {
        await using var board = new RoundBoard();
        using var client = new BoardClient(board.Address, 0);
        board.Publish("hello", [42]);
        Assert.Equal([42], await client.GetAsync("hello", TimeSpan.FromSeconds(5), CancellationToken.None));
        await client.PostAsync("answer", [1, 2, 3], CancellationToken.None);
        board.MarkGone(1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var posts = await board.CollectAsync("answer", [0, 1], TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal([1, 2, 3], posts[0]);
        Assert.False(posts.ContainsKey(1));
        Assert.Equal(3, board.BytesReceived);
        Assert.Equal(1, board.BytesSent);
    }
}
