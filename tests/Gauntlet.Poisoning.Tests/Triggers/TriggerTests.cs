using Gauntlet.Poisoning.Triggers;
using Gauntlet.Tensors;

namespace Gauntlet.Poisoning.Tests.Triggers;

public sealed class TriggerTests
{
    [Fact]
    public void PatchAtBottomRight_WhitensExactlyTheSquareOneHundredthPixelFromTheEdges()
    {
        var trigger = PatchTrigger.At("bottom-right", 4, 28, 28);
        var image = new float[2 * 28 * 28];

        trigger.Apply(image, 2, 28, 28);

        Assert.Equal((23, 23), (trigger.Row, trigger.Column));
        for (var c = 0; c < 2; c++)
        {
            for (var y = 0; y < 28; y++)
            {
                for (var x = 0; x < 28; x++)
                {
                    var inside = y is >= 23 and <= 26 && x is >= 23 and <= 26;
                    Assert.Equal(inside ? 1f : 0f, image[(c * 784) + (y * 28) + x]);
                }
            }
        }
    }

    [Theory]
    [InlineData("top-left", 1, 1)]
    [InlineData("top-right", 1, 7)]
    [InlineData("bottom-left", 7, 1)]
    [InlineData("center", 4, 4)]
    [InlineData("2,5", 2, 5)]
    public void At_PlacesThePatch(string position, int row, int column)
    {
        var trigger = PatchTrigger.At(position, 3, 11, 11);

        Assert.Equal((row, column), (trigger.Row, trigger.Column));
    }

    [Theory]
    [InlineData("9,9")]
    [InlineData("middle")]
    [InlineData("-1,0")]
    public void At_ThrowsWhenThePatchDoesNotFitOrThePositionIsUnknown(string position) =>
        Assert.Throws<ArgumentException>(() => PatchTrigger.At(position, 3, 11, 11));

    [Fact]
    public void Checkerboard_AlternatesMaxAndMin()
    {
        var image = new float[16];
        Array.Fill(image, 0.5f);

        new PatchTrigger(0, 0, 2, PatchPattern.Checkerboard).Apply(image, 1, 4, 4);

        Assert.Equal([1f, 0f, 0.5f, 0.5f, 0f, 1f], [image[0], image[1], image[2], image[3], image[4], image[5]]);
    }

    [Fact]
    public void Blend_IsTheConvexMixOfImageAndKey_AndTheKeyDependsOnlyOnTheSeed()
    {
        var image = Enumerable.Range(0, 12).Select(i => i / 12f).ToArray();
        var stamped = (float[])image.Clone();
        var key = new float[12];

        new BlendTrigger(0.25f, seed: 3).Apply(stamped, 3, 2, 2);
        new BlendTrigger(1f, seed: 3).Apply(key, 3, 2, 2);

        for (var i = 0; i < 12; i++)
        {
            Assert.Equal((0.75f * image[i]) + (0.25f * key[i]), stamped[i], 6);
            Assert.InRange(key[i], 0f, 1f);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new BlendTrigger(0f));
    }

    [Fact]
    public void MaskTrigger_MixesPerPixel_SharingTheMaskAcrossChannels()
    {
        var trigger = new MaskTrigger([0f, 0.5f, 1f, 0f], [1, 1, 1, 1, 0, 0, 0, 0]);
        var batch = Tensor.FromArray(Enumerable.Repeat(0.2f, 8).ToArray(), 1, 2, 2, 2);

        var stamped = trigger.ApplyToAll(batch).ToArray();

        Assert.Equal([0.2f, 0.6f, 1f, 0.2f, 0.2f, 0.1f, 0f, 0.2f], stamped.Select(v => MathF.Round(v, 5)));
        Assert.Equal(0.2f, batch.ToArray()[2]);  // the input is left untouched
    }
}
