namespace Gauntlet.Core.Tests;

public sealed class FindingTests
{
    [Fact]
    public void OptionalMembers_DefaultToEmpty_NotNull()
    {
        var finding = new Finding
        {
            RuleId = "X-1",
            Title = "t",
            Severity = Severity.Low,
            Category = "c",
            Description = "d",
            Remediation = "r",
        };

        Assert.Null(finding.Location);
        Assert.Empty(finding.Evidence);
        Assert.Empty(finding.OwaspMl);
        Assert.Empty(finding.OwaspLlm);
        Assert.Empty(finding.MitreAtlas);
        Assert.Empty(finding.Cwe);
    }

    [Fact]
    public void Location_CarriesPathLogicalNameAndOffset()
    {
        var location = new FindingLocation("models/a.zip", "models/a.zip!data.pkl", 42);

        Assert.Equal("models/a.zip", location.Path);
        Assert.Equal("models/a.zip!data.pkl", location.LogicalName);
        Assert.Equal(42L, location.ByteOffset);
        Assert.Equal(new FindingLocation("m"), new FindingLocation("m", null, null));
    }
}
