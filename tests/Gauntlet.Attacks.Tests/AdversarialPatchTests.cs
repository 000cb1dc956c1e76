using Gauntlet.Attacks.Universal;
using Gauntlet.Data;
using Xunit.Abstractions;

namespace Gauntlet.Attacks.Tests;

public class AdversarialPatchTests(ITestOutputHelper output)
{
    private const int Side = 12;
    private const int Target = 8;

    [Fact]
    public void TargetedPatch_TrainedOnOneSet_FoolsHeldOutImages_FarMoreThanARandomPatch()
    {
        var clf = ReferenceModel.Instance.Classifier();
        var demo = FashionMnist.LoadEmbeddedDemo();
        var train = demo.Take(300);
        var heldOut = demo.Select([.. Enumerable.Range(500, 300)]);
        var options = new PatchOptions(Size: Side, Epochs: 20, StepSize: 0.05f, MinScale: 0.9f, MaxScale: 1.1f, TargetClass: Target);
        var patch = AdversarialPatch.Train(clf, train.Images, train.Labels, options, seed: 3);
        Assert.Equal(new Gauntlet.Tensors.Shape(1, Side, Side), patch.Shape);
        Assert.All(patch.ToArray(), v => Assert.InRange(v, 0f, 1f));

        var trained = AdversarialPatch.Evaluate(clf, patch, heldOut.Images, heldOut.Labels, options);
        var random = AdversarialPatch.Evaluate(clf, Gauntlet.Tensors.Tensor.RandU(new Gauntlet.Tensors.Rng(9), 0, 1, 1, Side, Side), heldOut.Images, heldOut.Labels, options);
        output.WriteLine($"patch {Side}×{Side} → class {Target}: held-out success {trained.SuccessRate:P1} of {trained.Eligible} (random patch {random.SuccessRate:P1})");
        // Measured: 22.9% of eligible held-out images sent to class 8 vs 7.1% for a random patch
        // (a 12×12 patch, 18% of the image, on the small reference CNN).
        Assert.True(trained.SuccessRate >= 2 * random.SuccessRate && trained.SuccessRate >= random.SuccessRate + 0.1, $"trained {trained.SuccessRate:P1} vs random {random.SuccessRate:P1}");
        Assert.Equal(600, trained.Queries);
    }

    [Fact]
    public void Apply_IsReproducibleFromSeed_AndOnlyChangesPatchPixels()
    {
        var images = FashionMnist.LoadEmbeddedDemo().Take(4).Images;
        var patch = Gauntlet.Tensors.Tensor.Full(0.5f, 1, 6, 6);
        var options = new PatchOptions(Size: Side, Epochs: 20, StepSize: 0.05f, MinScale: 0.9f, MaxScale: 1.1f, TargetClass: Target);
        var a = AdversarialPatch.Apply(images, patch, options, seed: 5).ToArray();
        Assert.Equal(a, AdversarialPatch.Apply(images, patch, options, seed: 5).ToArray());
        var changed = a.Zip(images.ToArray()).Count(p => p.First != p.Second);
        Assert.InRange(changed, 1, 4 * 36);
    }

    [Fact]
    public void Train_RejectsPatchLargerThanImages()
    {
        var clf = ReferenceModel.Instance.Classifier();
        var data = FashionMnist.LoadEmbeddedDemo().Take(2);
        var ex = Assert.Throws<ArgumentException>(() => AdversarialPatch.Train(clf, data.Images, data.Labels, new PatchOptions(Size: 40)));
        Assert.Contains("fits the 28×28", ex.Message);
    }
}
