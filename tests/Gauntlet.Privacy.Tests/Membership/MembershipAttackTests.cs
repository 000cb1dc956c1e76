using Gauntlet.Privacy.Membership;
using Gauntlet.Tensors;

namespace Gauntlet.Privacy.Tests.Membership;

public sealed class MembershipAttackTests
{
    private static readonly Lazy<(Gauntlet.Models.ModuleClassifier Target, MembershipData Data, Gauntlet.Data.LabeledImages Shadow)> Setting = new(OverfitSetting.Build);

    [Fact]
    public void ThresholdAttacks_SeparateMembersOfAnOverfitModel()
    {
        var (target, data, _) = Setting.Value;
        var loss = ThresholdAttacks.Loss(target, data);
        var confidence = ThresholdAttacks.Confidence(target, data);
        Assert.True(loss.Auc > 0.7, $"loss-threshold AUC {loss.Auc}");
        Assert.True(confidence.Auc > 0.6, $"confidence-threshold AUC {confidence.Auc}");
        Assert.Equal(100, loss.MemberScores.Length);
        Assert.All(loss.MemberScores.Concat(loss.NonMemberScores), s => Assert.True(s <= 0));
    }

    [Fact]
    public void Lira_BeatsTheLossThreshold_OnAnOverfitModel()
    {
        var (target, data, shadow) = Setting.Value;
        var loss = ThresholdAttacks.Loss(target, data);
        var lira = Lira.Run(target, data, shadow, new LiraOptions(ShadowCount: 8, Training: OverfitSetting.Training, Seed: 7));
        Assert.True(lira.Online.Auc >= loss.Auc, $"LiRA online AUC {lira.Online.Auc} < loss {loss.Auc}");
        Assert.True(lira.Online.TprAt1PctFpr > loss.TprAt1PctFpr, $"LiRA online TPR@1%FPR {lira.Online.TprAt1PctFpr} <= loss {loss.TprAt1PctFpr}");
        Assert.True(lira.Offline.Auc > 0.65, $"LiRA offline AUC {lira.Offline.Auc}");
        Assert.Equal(8, lira.Online.Parameters["shadows"]);
    }

    [Fact]
    public void SplitInOut_PutsEveryItemInExactlyHalfTheModels()
    {
        var inside = Lira.SplitInOut(50, 6, new Rng(3));
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(3, Enumerable.Range(0, 6).Count(m => inside[m, i]));
        }

        // Each model trains on about half the pool.
        Assert.All(Enumerable.Range(0, 6), m => Assert.InRange(Enumerable.Range(0, 50).Count(i => inside[m, i]), 12, 38));
    }

    [Fact]
    public void ExampleStatistics_MatchHandComputedValues()
    {
        // Logits [ln 1, ln 3] = probabilities [¼, ¾]; label 1.
        var model = new FixedLogits([0f, MathF.Log(3f)]);
        var one = new Gauntlet.Data.LabeledImages(Tensor.FromArray([0f], 1, 1, 1, 1), [1], 2, "one");
        Assert.Equal(-Math.Log(0.75), ExampleStatistics.Loss(model, one)[0], 1e-6);
        Assert.Equal(0.75, ExampleStatistics.MaxConfidence(model, one)[0], 1e-6);
        Assert.Equal(Math.Log(3), ExampleStatistics.LogitScaledConfidence(model, one)[0], 1e-6);
    }

    [Fact]
    public void MembershipData_RefusesAnEmptySideAndMismatchedShapes()
    {
        var a = OverfitSetting.Make(3, 1, "a");
        var empty = new Gauntlet.Data.LabeledImages(Tensor.FromArray([], 0, 1, 6, 6), [], OverfitSetting.Classes, "empty");
        var other = new Gauntlet.Data.LabeledImages(Tensor.FromArray(new float[16], 1, 1, 4, 4), [0], OverfitSetting.Classes, "other");
        Assert.Contains("both members and non-members", Assert.Throws<ArgumentException>(() => new MembershipData(a, empty)).Message);
        Assert.Contains("same shape", Assert.Throws<ArgumentException>(() => new MembershipData(a, other)).Message);
    }

    private sealed class FixedLogits(float[] logits) : Gauntlet.Models.IClassifier
    {
        public Shape SampleShape => new(1, 1, 1);

        public int ClassCount => logits.Length;

        public Gauntlet.Models.InputRange InputRange => Gauntlet.Models.InputRange.Unit;

        public long QueryCount => 0;

        public Tensor Predict(Tensor batch) => Tensor.FromArray([.. Enumerable.Range(0, batch.Dim(0)).SelectMany(_ => logits)], batch.Dim(0), logits.Length);

        public (Tensor Gradient, Tensor Logits) LossGradient(Tensor batch, int[] labels, Func<Tensor, int[], Tensor> loss) => throw new NotSupportedException();
    }
}
