using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Tensors;

namespace Gauntlet.Attacks.Tests;

/// <summary>Reference-model inputs for the black-box attack tests.</summary>
internal static class BlackBoxSetup
{
    private static readonly Lazy<(Tensor Images, int[] Labels)> s_more = new(() =>
    {
        var demo = FashionMnist.LoadEmbeddedDemo().Take(MoreCount);
        return (demo.Images, demo.Labels);
    });

    /// <summary>How many demo images <see cref="More"/> holds.</summary>
    public const int MoreCount = 24;

    /// <summary>The reference classifier and its 8 images.</summary>
    public static (ModuleClassifier Classifier, Tensor Images, int[] Labels) Eight()
    {
        var r = ReferenceModel.Instance;
        return (r.Classifier(), r.Images, r.Labels);
    }

    /// <summary>The reference classifier and the first <see cref="MoreCount"/> demo images.</summary>
    public static (ModuleClassifier Classifier, Tensor Images, int[] Labels) More()
    {
        var (images, labels) = s_more.Value;
        return (ReferenceModel.Instance.Classifier(), images, labels);
    }

    /// <summary>Success rate over the samples the model classified correctly before the attack.</summary>
    public static double RateOnInitiallyCorrect(AttackResult result, int[] labels)
    {
        var correct = Enumerable.Range(0, labels.Length).Where(i => result.OriginalPrediction[i] == labels[i]).ToArray();
        return correct.Length == 0 ? 0 : correct.Count(i => result.Success[i]) / (double)correct.Length;
    }
}

/// <summary>
/// A classifier that forwards <see cref="Predict"/> to a real one and counts calls, and throws on
/// any gradient request: black-box attacks must never ask for one.
/// </summary>
internal sealed class PredictOnlyClassifier(IClassifier inner) : IClassifier
{
    public int PredictCalls { get; private set; }

    public Shape SampleShape => inner.SampleShape;

    public int ClassCount => inner.ClassCount;

    public InputRange InputRange => inner.InputRange;

    public long QueryCount => inner.QueryCount;

    public Tensor Predict(Tensor batch)
    {
        PredictCalls++;
        return inner.Predict(batch);
    }

    public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss)
        => throw new InvalidOperationException("a black-box attack asked for a gradient");
}
