using Gauntlet.Privacy.Inversion;
using Gauntlet.Privacy.Tests.Membership;

namespace Gauntlet.Privacy.Tests.Inversion;

public sealed class MiFaceTests
{
    [Fact]
    public void Reconstructions_AreConfidentlyTheirClass_AndMeasuredAgainstTheTrainingImages()
    {
        var members = OverfitSetting.Make(100, 1, "members");
        var target = OverfitSetting.Target(members);
        var result = MiFace.Run(target, [0, 1, 2, 3], new InversionOptions(Steps: 150, StepSize: 0.05f, Denoise: 0.1f), members);
        Assert.Equal([0, 1, 2, 3], result.Select(r => r.Class));
        foreach (var r in result)
        {
            Assert.True(r.Confidence > 0.9, $"class {r.Class}: confidence {r.Confidence}");
            Assert.Equal([1, 6, 6], r.Image.Shape.ToArray());
            Assert.All(r.Image.ToArray(), v => Assert.InRange(v, 0f, 1f));
            Assert.NotNull(r.NearestSameClassL2);
            Assert.True(r.NearestSameClassL2 <= r.MeanSameClassL2, $"class {r.Class}: nearest {r.NearestSameClassL2} above mean {r.MeanSameClassL2}");
        }
    }

    [Fact]
    public void AClassOutOfRange_IsRefused()
    {
        var target = OverfitSetting.Target(OverfitSetting.Make(20, 1, "members"));
        var ex = Assert.Throws<ArgumentException>(() => MiFace.Run(target, [4], new InversionOptions()));
        Assert.Contains("0..3", ex.Message);
    }
}
