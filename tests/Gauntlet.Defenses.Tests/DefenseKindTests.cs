namespace Gauntlet.Defenses.Tests;

public sealed class DefenseKindTests
{
    [Fact]
    public void Kinds_are_the_three_families_a_report_groups_by()
    {
        Assert.Equal(["RobustTraining", "InputTransform", "Certification"], Enum.GetNames<DefenseKind>());
    }
}
