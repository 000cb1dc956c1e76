namespace Gauntlet.Governance.Tests;

/// <summary>A temporary folder deleted when the test ends.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("gauntlet-gov-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, true);
        }
        catch (IOException)
        {
            // a child process may still be releasing a file; the OS cleans temp
        }
    }
}
