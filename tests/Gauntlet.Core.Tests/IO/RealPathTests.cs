using Gauntlet.Core.IO;

namespace Gauntlet.Core.Tests.IO;

public sealed class RealPathTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gauntlet-realpath-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void DotDotAfterALinkedFolder_IsTakenFromWhereTheLinkLeads_AsTheKernelDoes()
    {
        var inside = Directory.CreateDirectory(Path.Combine(_dir.FullName, "model"));
        var outside = Directory.CreateDirectory(Path.Combine(_dir.FullName, "outside", "deep"));
        File.CreateSymbolicLink(Path.Combine(inside.FullName, "sub"), outside.FullName);

        var real = RealPath.Of(Path.Combine(inside.FullName, "sub", "..", "weights.bin"));

        // By the text, model/sub/../weights.bin is model/weights.bin; really it is outside/weights.bin.
        Assert.Equal(Path.Combine(RealPath.Of(_dir.FullName), "outside", "weights.bin"), real);
        Assert.False(RealPath.IsSameOrInside(real, RealPath.Of(inside.FullName)));
    }

    [Fact]
    public void MissingTail_IsKeptAsWritten_AndALinkLoopIsAnIOException()
    {
        var real = RealPath.Of(Path.Combine(_dir.FullName, "not", "yet", "written.json"));
        Assert.Equal(Path.Combine(RealPath.Of(_dir.FullName), "not", "yet", "written.json"), real);

        File.CreateSymbolicLink(Path.Combine(_dir.FullName, "a"), Path.Combine(_dir.FullName, "b"));
        File.CreateSymbolicLink(Path.Combine(_dir.FullName, "b"), Path.Combine(_dir.FullName, "a"));
        Assert.Throws<IOException>(() => RealPath.Of(Path.Combine(_dir.FullName, "a")));
    }

    [Theory]
    [InlineData("/m", "/m", true)]
    [InlineData("/m/x", "/m", true)]
    [InlineData("/m/", "/m", true)]
    [InlineData("/mx", "/m", false)]
    [InlineData("/", "/m", false)]
    public void IsSameOrInside_ComparesWholeComponents(string path, string folder, bool expected) =>
        Assert.Equal(expected, RealPath.IsSameOrInside(path, folder));
}
