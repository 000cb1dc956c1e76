using Gauntlet.Data;
using Gauntlet.Models;
using Gauntlet.Privacy.Membership;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Tests.Membership;

/// <summary>
/// A deliberately overfit setting small enough for unit tests: 1×6×6 images of 4 classes made of
/// a class prototype plus heavy noise, a fifth of the labels random (hard examples only
/// memorisation can fit), and a tiny MLP trained long on few members.
/// </summary>
internal static class OverfitSetting
{
    public const int Classes = 4;
    public static readonly TrainingOptions Training = new(Epochs: 80, BatchSize: 16, LearningRate: 3e-3f, Seed: 11);

    public static LabeledImages Make(int count, int seed, string name)
    {
        var prototypes = new Rng(1234);
        var proto = new float[Classes * 36];
        for (var i = 0; i < proto.Length; i++)
        {
            proto[i] = (float)prototypes.NextDouble();
        }

        var rng = new Rng(seed);
        var images = new float[count * 36];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            var c = rng.NextInt(Classes);
            for (var p = 0; p < 36; p++)
            {
                images[(n * 36) + p] = Math.Clamp((0.5f * proto[(c * 36) + p]) + (0.5f * (float)rng.NextDouble()), 0f, 1f);
            }

            labels[n] = rng.NextDouble() < 0.3 ? rng.NextInt(Classes) : c;
        }

        return new LabeledImages(Tensor.FromArray(images, count, 1, 6, 6), labels, Classes, name);
    }

    /// <summary>The target trained on <paramref name="members"/>, wrapped for the attacks.</summary>
    public static ModuleClassifier Target(LabeledImages members)
    {
        var network = ModelZoo.Create("mlp", 1, 6, 6, Classes, seed: 5);
        Trainer.Fit(network, members, null, Training);
        return new ModuleClassifier(network, new Shape(1, 6, 6), Classes);
    }

    public static (ModuleClassifier Target, MembershipData Data, LabeledImages Shadow) Build()
    {
        var members = Make(100, 1, "members");
        var data = new MembershipData(members, Make(100, 2, "non-members"));
        return (Target(members), data, Make(200, 3, "shadow"));
    }
}
