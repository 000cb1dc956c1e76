using Gauntlet.Federated.Byzantine;

namespace Gauntlet.Federated.Tests.Byzantine;

public sealed class ByzantineAttackTests
{
    [Fact]
    public void Corrupt_FlipsOrScalesTheUpdate()
    {
        float[] delta = [1f, -2f];
        Assert.Equal([-3f, 6f], ByzantineAttack.Corrupt(ByzantineAttackKind.SignFlip, delta, 3f));
        Assert.Equal([3f, -6f], ByzantineAttack.Corrupt(ByzantineAttackKind.Scale, delta, 3f));
        Assert.Equal(delta, ByzantineAttack.Corrupt(ByzantineAttackKind.LabelFlip, delta, 3f));
    }

    [Fact]
    public void LabelFlip_MapsYToKMinusOneMinusY()
    {
        Assert.Equal([9, 0, 4], ByzantineAttack.TrainingLabels(ByzantineAttackKind.LabelFlip, [0, 9, 5], 10));
        Assert.Equal([0, 9, 5], ByzantineAttack.TrainingLabels(ByzantineAttackKind.SignFlip, [0, 9, 5], 10));
    }

    [Fact]
    public void Names_RoundTrip()
    {
        foreach (var kind in Enum.GetValues<ByzantineAttackKind>())
        {
            Assert.Equal(kind, ByzantineAttack.Parse(ByzantineAttack.NameOf(kind)));
        }

        Assert.Throws<ArgumentException>(() => ByzantineAttack.Parse("gaussian"));
    }
}
