using System.Text;
using Gauntlet.Governance.Log;

namespace Gauntlet.Governance.Tests.Log;

public sealed class MerkleHashTests
{
    [Fact]
    public void LeafHash_MatchesRfc6962Example()
    {
        Assert.Equal("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56", Convert.ToHexStringLower(MerkleHash.Leaf(Encoding.ASCII.GetBytes("L123456"))));
    }

    [Fact]
    public void NodeHash_MatchesRfc6962Example()
    {
        var node = MerkleHash.Node(Encoding.ASCII.GetBytes("N123"), Encoding.ASCII.GetBytes("N456"));
        Assert.Equal("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb", Convert.ToHexStringLower(node));
    }

    [Fact]
    public void EmptyRoot_IsSha256OfNothing()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.EmptyRoot()));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(5, 4)]
    [InlineData(1025, 1024)]
    public void SplitPoint_IsTheLargestPowerOfTwoBelow(long n, long k) => Assert.Equal(k, MerkleHash.SplitPoint(n));
}
