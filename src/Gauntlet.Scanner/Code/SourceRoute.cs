namespace Gauntlet.Scanner.Code;

/// <summary>Which source analyser a file goes to, by its name (its bytes are checked for model formats first).</summary>
internal enum SourceRoute
{
    /// <summary>Not a source, notebook, config or text file: the model analysers take it.</summary>
    None,

    /// <summary>Python source (<c>.py</c>, <c>.pyw</c>, <c>.pyi</c>): code rules and secrets.</summary>
    Python,

    /// <summary>A Jupyter notebook (<c>.ipynb</c>): code rules on the cells, secrets in cells and outputs.</summary>
    Notebook,

    /// <summary>A config or text file (YAML, JSON, TOML, INI, .env, text, CSV, shell, ...): secrets.</summary>
    Text,
}

/// <summary>Routes file names to <see cref="SourceRoute"/>s.</summary>
internal static class SourceRoutes
{
    private static readonly HashSet<string> PythonExtensions = new(StringComparer.OrdinalIgnoreCase) { ".py", ".pyw", ".pyi" };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".yaml", ".yml", ".json", ".jsonl", ".ndjson", ".toml", ".ini", ".cfg", ".conf", ".env", ".properties", ".tfvars",
        ".txt", ".csv", ".tsv", ".log", ".md", ".rst", ".sh", ".bash", ".zsh", ".ps1", ".xml", ".tf", ".r", ".sql",
    };

    private static readonly HashSet<string> TextNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ".env", "Dockerfile", "Makefile", ".npmrc", ".pypirc", ".netrc", ".git-credentials", "credentials", "config", "requirements.txt",
    };

    /// <summary>The route for <paramref name="name"/> (a path; only its file name counts).</summary>
    public static SourceRoute Of(string name)
    {
        var file = Path.GetFileName(name);
        var extension = Path.GetExtension(file);
        if (PythonExtensions.Contains(extension))
        {
            return SourceRoute.Python;
        }

        if (extension.Equals(".ipynb", StringComparison.OrdinalIgnoreCase))
        {
            return SourceRoute.Notebook;
        }

        return TextExtensions.Contains(extension) || TextNames.Contains(file) || file.StartsWith(".env.", StringComparison.OrdinalIgnoreCase)
            ? SourceRoute.Text
            : SourceRoute.None;
    }

    /// <summary>The scan categories that select a route's analyser.</summary>
    public static bool Selected(SourceRoute route, IReadOnlySet<ScanCategory> categories) => route switch
    {
        SourceRoute.Python or SourceRoute.Notebook => categories.Contains(ScanCategory.Code) || categories.Contains(ScanCategory.Secrets),
        SourceRoute.Text => categories.Contains(ScanCategory.Secrets),
        _ => categories.Contains(ScanCategory.Models),
    };
}
