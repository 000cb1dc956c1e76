using Gauntlet.Defenses.Adaptive;
using Gauntlet.Defenses.InputTransforms;
using Gauntlet.Tensors;

namespace Gauntlet.Defenses.Tests.Adaptive;

public sealed class DefendedClassifierTests
{
    private static Tensor SummedCrossEntropy(Tensor z, int[] y) => Losses.CrossEntropy(z, y, Reduction.Sum);

    [Fact]
    public void PlainGradientThroughAQuantiser_IsZero_BpdaIsTheModelsGradientAtTheSqueezedInput()
    {
        var (x, y) = DemoSubject.First(8);
        var squeezer = new BitDepthReduction(3);
        var model = DemoSubject.Classifier();

        var (plain, _) = new DefendedClassifier(model, squeezer, DefenseGradient.Plain).LossGradient(x, y, SummedCrossEntropy);
        var (bpda, _) = new DefendedClassifier(model, squeezer, DefenseGradient.Bpda).LossGradient(x, y, SummedCrossEntropy);
        var (direct, _) = model.LossGradient(squeezer.Apply(x, new Rng(0)).Output, y, SummedCrossEntropy);

        Assert.All(plain.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(direct.ToArray(), bpda.ToArray());
        Assert.Contains(bpda.ToArray(), v => v != 0f);
    }

    [Fact]
    public void Eot_AveragesTheDraws()
    {
        var (x, y) = DemoSubject.First(4);
        var transform = new TotalVariationMinimisation(keep: 0.5f, steps: 2);
        var model = DemoSubject.Classifier();

        var (averaged, _) = new DefendedClassifier(model, transform, DefenseGradient.Bpda, eotSamples: 3, seed: 5).LossGradient(x, y, SummedCrossEntropy);

        // The same stream drawn by hand: three transforms, the model's gradient at each, averaged.
        var rng = new Rng(5);
        var expected = new float[x.Size];
        for (var draw = 0; draw < 3; draw++)
        {
            var (g, _) = model.LossGradient(transform.Apply(x, rng).Output, y, SummedCrossEntropy);
            var values = g.ToArray();
            for (var i = 0; i < expected.Length; i++)
            {
                expected[i] += values[i];
            }
        }

        var actual = averaged.ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] / 3f, actual[i], 1e-5f);
        }
    }
}
