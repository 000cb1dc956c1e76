using Gauntlet.Governance.Registry;

namespace Gauntlet.Governance.Tests.Registry;

/// <summary>The registry contract on SQLite, plus what only a file can suffer.</summary>
public sealed class SqliteRegistryTests : RegistryContract
{
    protected override string NewLocation() => Dir.File($"registry-{Guid.NewGuid():N}.db");

    [Fact]
    public void ACorruptDatabaseFile_IsAOneLineRegistryError()
    {
        var path = Dir.File("corrupt.db");
        File.WriteAllBytes(path, [.. System.Text.Encoding.ASCII.GetBytes("this is not a database at all"), .. new byte[4096]]);
        var error = Assert.Throws<RegistryException>(() => ModelRegistry.Open(path));
        Assert.StartsWith($"registry {path}: cannot be used", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void TheDefaultLog_SitsBesideTheDatabase()
    {
        using var registry = ModelRegistry.Open(Dir.File("team.db"));
        Assert.Equal(Dir.File("team.log"), registry.LogFolder);
        Assert.Equal("sqlite", registry.Dialect);
    }
}
