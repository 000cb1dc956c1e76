using Gauntlet.Poisoning.Detection;

namespace Gauntlet.Poisoning.Tests.Detection;

public sealed class BoundingBoxTests
{
    [Fact]
    public void OfMask_BoxesTheHeavyPixelsAndIgnoresFaintNoise()
    {
        var mask = new float[28 * 28];
        Array.Fill(mask, 0.001f);
        for (var y = 23; y <= 26; y++)
        {
            for (var x = 23; x <= 26; x++)
            {
                mask[(y * 28) + x] = 1f;
            }
        }

        var box = BoundingBox.OfMask(mask, 28, 28)!;

        Assert.True(box.Top >= 23 && box.Bottom <= 26 && box.Left >= 23 && box.Right <= 26, box.ToString());
        Assert.Equal("bottom-right", box.Region(28, 28));
    }

    [Theory]
    [InlineData(0, 0, 2, 2, "top-left")]
    [InlineData(12, 12, 15, 15, "center")]
    [InlineData(0, 25, 2, 27, "top-right")]
    [InlineData(25, 12, 27, 14, "bottom-center")]
    public void Region_CutsRowsAndColumnsInThirds(int top, int left, int bottom, int right, string expected) =>
        Assert.Equal(expected, new BoundingBox(top, left, bottom, right).Region(28, 28));

    [Fact]
    public void OfMask_EmptyMask_IsNull() => Assert.Null(BoundingBox.OfMask(new float[16], 4, 4));
}
