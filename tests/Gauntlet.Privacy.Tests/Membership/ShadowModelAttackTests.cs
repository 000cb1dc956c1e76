using Gauntlet.Privacy.Membership;

namespace Gauntlet.Privacy.Tests.Membership;

public sealed class ShadowModelAttackTests
{
    [Fact]
    public void ShadowModels_SeparateMembersOfAnOverfitModel()
    {
        var (target, data, shadow) = OverfitSetting.Build();
        var result = ShadowModelAttack.Run(target, data, shadow, new ShadowAttackOptions(ShadowCount: 2, Training: OverfitSetting.Training, Seed: 2));
        Assert.Equal(ShadowModelAttack.Name, result.Attack);
        Assert.True(result.Auc > 0.6, $"shadow AUC {result.Auc}");
        Assert.All(result.MemberScores.Concat(result.NonMemberScores), s => Assert.InRange(s, 0.0, 1.0));
        Assert.Equal(2, result.Parameters["shadows"]);
    }

    [Fact]
    public void ShadowDataOfOneClass_IsRefused()
    {
        var (target, data, shadow) = OverfitSetting.Build();
        var oneClass = shadow.Select([.. Enumerable.Range(0, shadow.Count).Where(i => shadow.Labels[i] == 0)]);
        var ex = Assert.Throws<ArgumentException>(() => ShadowModelAttack.Run(target, data, oneClass, new ShadowAttackOptions(ShadowCount: 1)));
        Assert.Contains("of 1 class(es)", ex.Message);
    }
}
