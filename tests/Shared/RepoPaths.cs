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
    /// The official schemas (SARIF, CycloneDX…), kept outside the repository in ../shared/schemas;
    /// from a worktree nested deeper, the nearest shared/schemas above the repository root.
    /// </summary>
    public static string SchemaDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(Root).Parent; dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "schemas");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("../shared/schemas not found above " + Root);
        }
    }
}
