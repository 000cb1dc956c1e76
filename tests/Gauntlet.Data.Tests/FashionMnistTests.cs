namespace Gauntlet.Data.Tests;

public class FashionMnistTests
{
    [Fact]
    public void EmbeddedDemo_HasThousandScaledImagesAndBalancedLabels()
    {
        var demo = FashionMnist.LoadEmbeddedDemo();
        Assert.Equal(1000, demo.Count);
        Assert.Equal(new Tensors.Shape(1000, 1, 28, 28), demo.Images.Shape);
        Assert.All(demo.Images.ToArray(), v => Assert.InRange(v, 0f, 1f));
        var counts = demo.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 70, 130));
        Assert.Equal("Ankle boot", demo.ClassNames[demo.Labels[0]]);
    }

    [Fact]
    public void SystemDataset_WhenInstalled_MatchesEmbeddedSubset()
    {
        // The README's test command installs dataset-fashion-mnist; the suite requires it.
        Assert.True(FashionMnist.IsInstalled, "Debian's dataset-fashion-mnist is required: apt-get install dataset-fashion-mnist");
        var test = FashionMnist.Load(train: false);
        Assert.Equal(10000, test.Count);
        var demo = FashionMnist.LoadEmbeddedDemo();
        Assert.Equal(demo.Labels, test.Labels[..1000]);
        Assert.Equal(demo.Images.ToArray(), test.Take(1000).Images.ToArray());
    }

    [Fact]
    public void Load_MissingFolder_SaysHowToInstall()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(train: true, folder: "/nonexistent-gauntlet"));
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
    }

    [Fact]
    public void LabeledImages_RejectsLabelOutsideClasses_NamingIndex()
    {
        var ex = Assert.Throws<InvalidDataException>(() => new LabeledImages(Tensors.Tensor.Zeros(2, 1, 2, 2), [0, 10], 10, "unit"));
        Assert.Contains("index 1", ex.Message);
        Assert.Contains("label 10", ex.Message);
    }

    [Fact]
    public void LabeledImages_RejectsCountMismatch()
    {
        var ex = Assert.Throws<InvalidDataException>(() => new LabeledImages(Tensors.Tensor.Zeros(3, 1, 2, 2), [0, 1], 10, "unit"));
        Assert.Contains("3 images but 2 labels", ex.Message);
    }
}
