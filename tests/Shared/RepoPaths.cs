namespace Gauntlet.TestSupport;

/// <summary>Where the repository (the folder holding Gauntlet.slnx) and the shared official schemas are.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding Gauntlet.slnx.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Gauntlet.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("Gauntlet.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>
    /// The official schemas (SARIF 2.1.0, CycloneDX 1.6 and what it references), committed under
    /// tests/Shared/Schemas with their licences (LICENSES.md there) so the tests pass from a clone anywhere.
    /// </summary>
    public static string SchemaDirectory => Path.Combine(Root, "tests", "Shared", "Schemas");
}
